"""A ring sequence through the fake Asterisk, and the reasons of a real call read from its record.

Every service is its own process on a real nats-server; Asterisk is faked at its wire (the
recorded AMI transcript of an answered call, and FastAGI). Adam keeps a desk and a mobile
number and sets a ring sequence: his mobile 10 s, then desk and mobile 20 s, then voicemail.
"""

from __future__ import annotations

import httpx
import pytest

from gateway.tests.fake_agi import FakeAgiChannel
from gateway.tests.fake_ami import frame
from gateway.tests.transcripts import events
from services.presence.tests.e2e import eventually
from tests.test_call_round_trip import SMARTNUMBER, adam_on_his_mobile, platform

pytestmark = pytest.mark.slow
__all__ = ["platform"]  # the fixture: every service as a process, a fake Asterisk
SEQUENCE = {"steps": [{"numbers": ["mobile"], "seconds": 10}, {"numbers": ["desk", "mobile"], "seconds": 20}]}


async def test_a_sequence_walks_the_dialplan_and_the_call_record_says_why(platform):
    fake_ami, agi_port, routing = platform.fake_ami, platform.agi_port, platform.routing
    token = await adam_on_his_mobile(platform)
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=platform.presence.url, headers=auth) as adam:
        assert (await adam.patch("/v1/users/me/numbers", json={"desk": "01632 960050"})).status_code == 200
        r = await adam.put("/v1/users/me/ring-sequence", json=SEQUENCE)
        assert r.status_code == 200 and r.json()["used"] is True, r.text
    # 1. The fake Asterisk asks for the plan: the dialplan's variables walk the sequence step by step.
    call_id = next(e["Linkedid"] for e in events("incoming-answered"))
    call = await eventually(
        lambda: FakeAgiChannel(agi_port, args=[SMARTNUMBER.lstrip("+"), call_id]).run(),
        lambda c: c.variables.get("SN_PLAN_STEPS") == "3",
    )
    v = call.variables
    assert (v["SN_S1_KIND"], v["SN_S1_DIAL"], v["SN_S1_TIMEOUT"]) == (
        "ring",
        "Local/447700900001@phones",
        "10",
    )
    assert (v["SN_S2_KIND"], v["SN_S2_DIAL"], v["SN_S2_TIMEOUT"]) == (
        "ring",
        "Local/441632960050@phones&Local/447700900001@phones",
        "20",
    )
    assert (v["SN_S3_KIND"], v["SN_S3_MAILBOX"]) == ("voicemail", "adam")
    # 2. The recorded call: his mobile answers in the first step.
    await fake_ami.play("incoming-answered")
    async with httpx.AsyncClient(base_url=routing.url, headers=auth) as adam:
        calls = await eventually(
            lambda: adam.get("/v1/calls"),
            lambda r: r.status_code == 200 and r.json() and r.json()[0]["ended_at"] and r.json()[0]["why"],
        )
        (record,) = calls.json()
        why = record["why"]
        assert why["rules"] == ["§3.6 available: ring sequence"]
        assert "ring sequence" in why["reasons"][0] and "(§3.6, ring sequence)" in why["reasons"][0]
        assert [(s["step"], s["outcome"], s["rang"]) for s in why["steps"]] == [
            (1, "answered", ["+447700900001"]),
            (2, "not reached", []),
            (3, "not reached", []),
        ]
        # 3. Replayed against today's settings: the same, until Adam changes his availability.
        r = await adam.get(f"/v1/calls/{call_id}/replay")
        assert r.status_code == 200 and r.json()["same"] is True, r.text
        async with httpx.AsyncClient(base_url=platform.presence.url, headers=auth) as presence:
            await presence.put("/v1/users/me/availability", json={"availability": "voicemail"})
        r = await adam.get(f"/v1/calls/{call_id}/replay")
        replay = r.json()
        assert replay["same"] is False
        assert replay["differences"][-1] == (
            "Other rules decide: then §3.6 available: ring sequence; today §3.6.2 voicemail."
        )
        assert (await adam.get("/v1/calls/not-a-call/replay")).status_code == 404


async def test_a_sequence_walked_step_by_step_the_desk_busy_then_the_mobile_answers(platform):
    """Asterisk's side written event by event, as the shipped dialplan walks the two ring steps:
    the desk is busy (Dial's DIALSTATUS BUSY), and the call record says busy, not just unanswered."""
    fake_ami, agi_port, routing = platform.fake_ami, platform.agi_port, platform.routing
    token = await adam_on_his_mobile(platform)
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=platform.presence.url, headers=auth) as adam:
        await adam.patch("/v1/users/me/numbers", json={"desk": "01632 960050"})
        desk_first = {
            "steps": [{"numbers": ["desk"], "seconds": 10}, {"numbers": ["desk", "mobile"], "seconds": 20}]
        }
        assert (await adam.put("/v1/users/me/ring-sequence", json=desk_first)).status_code == 200
    call_id = "1800000000.7"
    call = await eventually(
        lambda: FakeAgiChannel(agi_port, args=[SMARTNUMBER.lstrip("+"), call_id]).run(),
        lambda c: c.variables.get("SN_S1_DIAL") == "Local/441632960050@phones",
    )
    assert call.variables["SN_S2_DIAL"] == "Local/441632960050@phones&Local/447700900001@phones"
    desk, mobile = "Local/441632960050@phones-00000011;1", "Local/447700900001@phones-00000012;1"

    def send(**fields: str) -> None:
        for writer in fake_ami._writers:
            writer.write(frame([("Privilege", "call,all"), *fields.items(), ("Linkedid", call_id)]))

    # Step 1: the desk is on another call: busy.
    send(Event="DialBegin", DestChannel=desk, DialString="441632960050@phones", Uniqueid=call_id)
    send(Event="DialEnd", DestChannel=desk, DialStatus="BUSY", Uniqueid=call_id)
    send(Event="HangupRequest", Channel=desk, Uniqueid="1800000000.8")
    # Step 2: the desk and the mobile ring together; the mobile answers, then Adam hangs up.
    send(
        Event="DialBegin",
        DestChannel=desk.replace("11", "13"),
        DialString="441632960050@phones",
        Uniqueid=call_id,
    )
    send(Event="DialBegin", DestChannel=mobile, DialString="447700900001@phones", Uniqueid=call_id)
    send(Event="DialEnd", DestChannel=mobile, DialStatus="ANSWER", Uniqueid=call_id)
    send(Event="DialEnd", DestChannel=desk.replace("11", "13"), DialStatus="CANCEL", Uniqueid=call_id)
    send(Event="HangupRequest", Channel=mobile, Uniqueid="1800000000.9")
    send(
        Event="Hangup",
        Channel="PJSIP/trunk-00000001",
        Uniqueid=call_id,
        Cause="16",
        **{"Cause-txt": "Normal Clearing"},
    )
    for writer in fake_ami._writers:
        await writer.drain()
    async with httpx.AsyncClient(base_url=routing.url, headers=auth) as adam:
        calls = await eventually(
            lambda: adam.get("/v1/calls"),
            lambda r: (
                r.status_code == 200
                and any(c["call_id"] == call_id and c["ended_at"] and c["why"] for c in r.json())
            ),
        )
    (record,) = [c for c in calls.json() if c["call_id"] == call_id]
    assert (record["outcome"], record["actual_recipient"]) == ("answered", "adam")
    assert [(s["step"], s["kind"], s["outcome"], s["rang"]) for s in record["why"]["steps"]] == [
        (1, "ring", "busy", ["+441632960050"]),
        (2, "ring", "answered", ["+447700900001"]),
        (3, "voicemail", "not reached", []),
    ]
    first, second = record["why"]["steps"][:2]
    assert first["seconds"] is not None
    assert first["dial_status"] == {"+441632960050": "busy"}
    assert first["said"] == f"Rang +441632960050 for {round(first['seconds'])} s: busy."
    assert second["dial_status"] == {"+447700900001": "answered", "+441632960050": "cancelled"}
    assert second["said"].startswith("Rang +441632960050 + +447700900001 for ")
    assert second["said"].endswith(" s: answered on +447700900001.")
