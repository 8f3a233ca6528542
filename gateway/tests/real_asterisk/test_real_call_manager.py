"""The Call Manager (§7.5) on a call through a REAL Asterisk (only with ASTERISK_BIN): the call
rings at the PC (PC ring, §3.6.1), Dave chooses Please Hold (§7.5.3) — the caller hears the
comfort message, then music on hold — and then Accept, which rings his mobile."""

from __future__ import annotations

import pytest

from gateway.tests.real_asterisk.real_platform import (
    ASTERISK,
    DAVE,
    Platform,
)
from gateway.tests.real_asterisk.watching import (
    Ami,
    Bus,
    call_in,
    routed,
)

pytestmark = pytest.mark.skipif(
    not ASTERISK, reason="needs a real Asterisk: set ASTERISK_BIN=/path/to/sbin/asterisk"
)


async def test_please_hold_plays_the_comfort_message_and_music_then_accept_rings_his_mobile(
    platform: Platform, ami: Ami, observer: Ami, bus: Bus
) -> None:
    # 1. Dave's calls ring at his PC while his Call Manager is open.
    async with platform.client("PRESENCE_PORT", DAVE.user_id) as dave:
        session = await dave.post("/v1/users/me/call-manager/sessions")
        assert session.status_code == 201, session.text
        chosen = await dave.put("/v1/users/me/availability", json={"availability": "pc_ring"})
        assert chosen.status_code == 200, chosen.text
    await routed(platform, DAVE.smartnumber, lambda p: p["steps"][0]["kind"] == "pc_ring")
    platform.demo_phone(DAVE.mobile, "answer")
    try:
        # 2. A caller dials Dave: his Call Manager is offered the call (the bus, its live feed).
        mark = observer.mark()
        await call_in(ami, DAVE.smartnumber, says="sn/menu-main")
        offered = await bus.next("gateway.call.ringing.v1", user_id=DAVE.user_id, target_number=None)
        call_id = offered["call_id"]
        # 3. He chooses Please Hold: the caller hears "please hold", then the music on hold.
        async with platform.client("GATEWAY_PORT", DAVE.user_id) as gateway:
            held = await gateway.post(f"/v1/calls/{call_id}/hold")
        assert held.status_code == 202, held.text
        comfort = await observer.wait_for(
            lambda e: (
                e.get("Event") == "Newexten"
                and e.get("Context") == "sn-hold"
                and e.get("Application") == "Playback"
            ),
            after=mark,
        )
        assert comfort["AppData"] == "sn/please-hold"
        caller = comfort["Channel"]
        music = await observer.wait_for(
            lambda e: e.get("Event") == "MusicOnHoldStart" and e.get("Channel") == caller, after=mark
        )
        assert music["Class"] == "default"
        # 4. He accepts: the held caller's call rings his mobile, which answers.
        async with platform.client("GATEWAY_PORT", DAVE.user_id) as gateway:
            accepted = await gateway.post(f"/v1/calls/{call_id}/accept")
        assert accepted.status_code == 202, accepted.text
        await observer.wait_for(
            lambda e: (
                e.get("Event") == "DialEnd"
                and e.get("Channel") == caller
                and e.get("DestChannel", "").startswith(f"Local/{DAVE.mobile_digits}@sn-demo-phones")
                and e.get("DialStatus") == "ANSWER"
            ),
            after=mark,
        )
        moved = await bus.next("gateway.call.transferred.v1", call_id=call_id)
        assert (moved["to_user_id"], moved["to_number"]) == (DAVE.user_id, DAVE.mobile)
    finally:
        platform.demo_phone(DAVE.mobile, None)
