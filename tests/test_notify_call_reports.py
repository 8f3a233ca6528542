"""Story: lost and delegated calls are reported by SMS to the users who asked (§3.6.6-3.6.9).

Real nats-server; real presence (the settings), routing (call records, from the gateway's
call events, published here as the gateway would) and notify processes; SMS through the
fake of Kannel's sendsms interface.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import nats
import pytest
from smartnumbers_contracts import calls
from smartnumbers_contracts import directory as wire
from smartnumbers_kit.devdirectory import publish
from smartnumbers_notify.templates import local_time

from services.notify.tests.e2e import FakeSmsbox, SmtpServer, notify_process
from services.presence.tests.e2e import envelope, eventually, presence_process
from services.routing.tests.e2e import routing_process

ADAM_MOBILE, BOB_MOBILE = "+447700900301", "+447700900302"


@pytest.fixture
def nats_server(fresh_nats_server):
    """A nats-server of this story's own: durable consumers on the session's server would first
    have to work through every earlier test's events."""
    return fresh_nats_server


@pytest.fixture
def stage(tmp_path, nats_server, dev_keys, smtp: SmtpServer, smsbox: FakeSmsbox) -> Iterator[Any]:
    presence = presence_process(tmp_path, nats_server.url, dev_keys[1])
    routing = routing_process(tmp_path, nats_server.url, dev_keys[1])
    (tmp_path / "notify").mkdir()
    notify = notify_process(tmp_path / "notify", nats_server.url, dev_keys, smtp, smsbox.url)
    started = []
    try:
        for process in (presence, routing, notify):
            process.start()
            started.append(process)
        yield presence, notify
    finally:
        for process in started:
            process.stop()


def client(url: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=20)


async def as_the_gateway(nats_url: str, *events: Any) -> None:
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        for e in events:
            await js.publish(e.subject, e.to_bytes(), headers={"Nats-Msg-Id": str(e.event_id)})
    finally:
        await nc.close()


async def test_story_adam_is_told_of_his_lost_and_delegated_calls_and_bob_who_did_not_ask_is_not(
    stage, nats_server, mint, org, smsbox: FakeSmsbox
):
    presence, notify = stage
    # 1. The directory creates Adam and Bob, each with a mobile for SMS.
    people = {
        "adam": ("Adam Ant", ADAM_MOBILE, "+441632960301"),
        "bob": ("Bob Baker", BOB_MOBILE, "+441632960302"),
    }
    await publish(
        nats_server.url,
        wire.OrganisationConfigured(**envelope(org), name=org, default_country="GB"),
        *(
            wire.UserCreated(
                **envelope(org),
                user_id=user,
                display_name=name,
                profile=wire.UserProfile(display_name=name, sms_number=mobile, smartnumber=number),
            )
            for user, (name, mobile, number) in people.items()
        ),
    )
    async with (
        client(presence.url, mint("adam", org)) as adam,
        client(notify.url, mint("adam", org)) as adam_n,
    ):
        await eventually(lambda: adam.get("/v1/users/me/presence"), lambda r: r.status_code == 200)
        # 2. Adam asks for both reports in presence (§3.6.6, §3.6.8); notify follows.
        r = await adam.put("/v1/users/me/call-reporting", json={"lost_calls": True, "delegated_calls": True})
        assert r.status_code == 200, r.text
        await eventually(
            lambda: adam_n.get("/v1/users/me/alerts"),
            lambda r: (
                r.status_code == 200
                and r.json()["call_reporting"] == {"lost_calls": True, "delegated_calls": True}
            ),
        )

        # 3. The gateway reports three calls: one to Bob, lost; one to Adam answered by Bob, his
        #    delegate; one to Adam, lost after 10 s of ringing.
        t0 = datetime.now(UTC) - timedelta(seconds=30)

        def at(seconds: float) -> dict[str, Any]:
            return {**envelope(org), "occurred_at": t0 + timedelta(seconds=seconds)}

        def started(call_id: str, caller: str, user: str) -> calls.CallStarted:
            dialled = people[user][2]
            return calls.CallStarted(
                **at(0),
                call_id=call_id,
                direction="inbound",
                caller_number=caller,
                dialled=dialled,
                intended_user_id=user,
            )

        hang_up = {"hung_up_by": "caller", "cause": "Normal Clearing"}
        await as_the_gateway(
            nats_server.url,
            started("c-bob", "+447700900444", "bob"),
            calls.CallEnded(**at(5), call_id="c-bob", **hang_up),
            started("c-del", "+447700900555", "adam"),
            calls.CallRinging(**at(1), call_id="c-del", user_id="bob", target_number=BOB_MOBILE),
            calls.CallAnswered(**at(6), call_id="c-del", answered_by_user_id="bob"),
            calls.CallEnded(**at(20), call_id="c-del", **hang_up),
            started("c-lost", "+447700900666", "adam"),
            calls.CallEnded(**at(10), call_id="c-lost", **hang_up),
        )

        # 4. Adam receives two SMS: who called, when (his time zone), who answered.
        await smsbox.received.at_least(2)
        texts = sorted(smsbox.texts_to(ADAM_MOBILE))
        delegated, lost = texts
        assert delegated.startswith("Delegated call: +447700900555 called you at ")
        assert delegated.endswith("; Bob Baker answered it.")
        assert lost.startswith("Lost call: +447700900666 called at ") and "hung up after 10s" in lost
        now = datetime.now(UTC)
        assert any(local_time(now - timedelta(minutes=m), "Europe/London") in lost for m in (0, 1)), lost
        # 5. Bob did not ask: nothing for him (his call came first on routing's stream).
        assert smsbox.texts_to(BOB_MOBILE) == []
        async with client(notify.url, mint("bob", org)) as bob_n:
            assert (await bob_n.get("/v1/deliveries")).json()["deliveries"] == []
