"""Story: an SMS to a group (§4.5) reaches each member once, nested groups included, and a
sender who texts too often is refused with a clear reason.

Real nats-server, real directory and notify processes; SMS through the fake of Kannel's
sendsms interface.
"""

from __future__ import annotations

from collections import Counter

import pytest

from services.directory.tests.e2e import client, create_organisation, directory_process, new_user
from services.notify.tests.e2e import FakeSmsbox, SmtpServer, notify_process
from services.presence.tests.e2e import eventually

ALICE, BOB, CAROL = "+447700900401", "+447700900402", "+447700900403"


@pytest.fixture
def nats_server(fresh_nats_server):
    """A nats-server of this story's own: durable consumers on the session's server would first
    have to work through every earlier test's events."""
    return fresh_nats_server


@pytest.fixture
def stage(tmp_path, nats_server, dev_keys, smtp: SmtpServer, smsbox: FakeSmsbox):
    (tmp_path / "directory").mkdir()
    (tmp_path / "notify").mkdir()
    directory = directory_process(tmp_path / "directory", nats_server.url, dev_keys)
    notify = notify_process(
        tmp_path / "notify", nats_server.url, dev_keys, smtp, smsbox.url, SMS_PER_USER_PER_MINUTE="4"
    )
    started = []
    try:
        for process in (directory, notify):
            process.start()
            started.append(process)
        yield directory, notify
    finally:
        for process in started:
            process.stop()


async def test_story_a_fire_drill_sms_reaches_every_member_of_nested_groups_once(
    stage, nats_server, mint, org, smsbox: FakeSmsbox
):
    directory, notify = stage
    create_organisation(directory, org, "boss")
    async with client(directory, mint("boss", org, "admin")) as boss:
        # 1. Three people with mobiles; "Everyone" holds Alice, and "Floor 1" (Alice, Bob) is one
        #    of its members; "Floor 2" (Carol) too.
        await new_user(boss, "alice", sms_number="07700 900401")
        await new_user(boss, "bob", sms_number="07700 900402")
        await new_user(boss, "carol", sms_number="07700 900403")
        everyone = (
            await boss.post("/v1/groups", json={"name": "Everyone", "members": ["user:alice"]})
        ).json()
        for name, members in (("Floor 1", ["user:alice", "user:bob"]), ("Floor 2", ["user:carol"])):
            r = await boss.post(
                "/v1/groups", json={"name": name, "members": members, "member_of": [everyone["id"]]}
            )
            assert r.status_code == 201, r.text

        # 2. Boss texts "Everyone": each person once, Alice too although she is in two groups.
        r = await boss.post(f"/v1/groups/{everyone['id']}/sms", json={"text": "Fire drill at 3pm"})
        assert r.status_code == 202 and r.json()["recipients"] == 3, r.text
        await smsbox.received.at_least(3)
        received = Counter((m["to"], m["text"]) for m in smsbox.received.items)
        assert received == Counter(
            {(ALICE, "Fire drill at 3pm"): 1, (BOB, "Fire drill at 3pm"): 1, (CAROL, "Fire drill at 3pm"): 1}
        )

        # 3. He sends it again by mistake: his limit (4 a minute) lets one more through and refuses
        #    the others, saying why; his history shows it.
        r = await boss.post(f"/v1/groups/{everyone['id']}/sms", json={"text": "Fire drill at 3pm!"})
        assert r.status_code == 202, r.text
        async with client(notify, mint("boss", org)) as boss_notify:
            history = await eventually(
                lambda: boss_notify.get("/v1/deliveries"),
                lambda r: (
                    len(r.json()["deliveries"]) == 6
                    and all(d["status"] in ("sent", "failed") for d in r.json()["deliveries"])
                ),
            )
        deliveries = history.json()["deliveries"]
        assert {d["reason"] for d in deliveries} == {"group_sms"}
        refused = [d for d in deliveries if d["status"] == "failed"]
        assert len(refused) == 2
        assert all("boss already sent 4 SMS in the last minute" in d["error"] for d in refused)
        assert len(smsbox.received.items) == 4
