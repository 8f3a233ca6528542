"""Calls to people who said how they take them, through a REAL Asterisk (only with ASTERISK_BIN):
a delegate (§3.6.4), a team (§3.7), call introduction with and without star (§3.8).

Each call comes "from the carrier" through a Local channel (``sn-demo-caller``) and rings make
run's demo phones (``Local/<digits>@sn-demo-phones``); what a person would see is read where
it shows: the gateway's events on the bus, routing's records (§8.2), the mailbox.
"""

from __future__ import annotations

from typing import Any

import pytest

from gateway.tests.real_asterisk.real_platform import (
    ASTERISK,
    BOB,
    CALLER,
    CAROL,
    ERIN,
    FRANK,
    GINA,
    SALES,
    Person,
    Platform,
)
from gateway.tests.real_asterisk.watching import (
    Ami,
    Bus,
    call_in,
    calls_of,
    eventually,
    routed,
)

pytestmark = pytest.mark.skipif(
    not ASTERISK, reason="needs a real Asterisk: set ASTERISK_BIN=/path/to/sbin/asterisk"
)
SHORT = "sn/not-available-leave-message"  # what the caller "says" before hanging up


async def record_of(platform: Platform, call_id: str) -> dict[str, Any]:
    """Routing's record of the call once it has ended."""

    async def ended() -> dict[str, Any] | None:
        return next(
            (c for c in await calls_of(platform, "*") if c["call_id"] == call_id and c["ended_at"]), None
        )

    return dict(await eventually(ended, within=120))


def rings(person: Person) -> str:
    """The channel name prefix of the person's demo phone being rung."""
    return f"Local/{person.mobile_digits}@sn-demo-phones"


async def test_a_call_to_someone_who_delegates_rings_the_delegate_who_answers(
    platform: Platform, ami: Ami, bus: Bus
) -> None:
    # 1. Erin diverts her calls to Bob (§3.6.4); Bob is on his mobile, which answers.
    async with platform.client("PRESENCE_PORT", ERIN.user_id) as erin:
        chosen = await erin.put(
            "/v1/users/me/availability", json={"availability": "delegate", "delegate_id": BOB.user_id}
        )
    assert chosen.status_code == 200, chosen.text
    await routed(platform, ERIN.smartnumber, lambda p: p["steps"][0]["targets"] == [BOB.mobile])
    platform.demo_phone(BOB.mobile, "answer")
    try:
        # 2. A caller dials Erin's smartnumber: Bob's mobile rings, and he answers.
        await call_in(ami, ERIN.smartnumber, says=SHORT)
        started = await bus.next("gateway.call.started.v1", dialled=ERIN.smartnumber)
        call_id = started["call_id"]
        assert started["intended_user_id"] == ERIN.user_id and started["caller_number"] == CALLER
        await bus.next("gateway.call.ringing.v1", call_id=call_id, target_number=BOB.mobile)
        answered = await bus.next("gateway.call.answered.v1", call_id=call_id)
        assert answered["answered_by_user_id"] == BOB.user_id, answered
        # 3. Routing reports the delegated call (for Erin's delegated call report) and records it.
        delegated = await bus.next("routing.call.delegated.v1", call_id=call_id)
        assert (delegated["intended_user_id"], delegated["delegate_id"], delegated["answered"]) == (
            ERIN.user_id,
            BOB.user_id,
            True,
        )
        record = await record_of(platform, call_id)
        assert (record["intended_user_id"], record["actual_recipient"], record["outcome"]) == (
            ERIN.user_id,
            BOB.user_id,
            "answered",
        ), record
    finally:
        platform.demo_phone(BOB.mobile, None)


async def test_a_call_to_a_team_rings_every_member_and_the_first_to_answer_takes_it(
    platform: Platform, ami: Ami, bus: Bus
) -> None:
    # 1. The team sales (Frank and Gina, both on their mobiles) rings all at once (§3.7).
    await routed(
        platform, SALES, lambda p: sorted(p["steps"][0]["targets"]) == sorted([FRANK.mobile, GINA.mobile])
    )
    platform.demo_phone(FRANK.mobile, "answer")  # Gina's only rings
    try:
        # 2. A caller dials the team's number: both phones ring, Frank answers.
        await call_in(ami, SALES, says=SHORT)
        started = await bus.next("gateway.call.started.v1", dialled=SALES)
        call_id = started["call_id"]
        assert started["intended_team_id"] == "sales"
        await bus.next("gateway.call.ringing.v1", call_id=call_id, target_number=FRANK.mobile)
        await bus.next("gateway.call.ringing.v1", call_id=call_id, target_number=GINA.mobile)
        answered = await bus.next("gateway.call.answered.v1", call_id=call_id)
        assert answered["answered_by_user_id"] == FRANK.user_id, answered
        # 3. Gina's phone stops ringing (the call was answered elsewhere).
        await ami.wait_for(
            lambda e: (
                e.get("Event") == "DialEnd"
                and e.get("DestChannel", "").startswith(rings(GINA))
                and e.get("DialStatus") in ("CANCEL", "ANSWER")
            )
        )
        # 4. Routing's record: a team call, answered by Frank.
        record = await record_of(platform, call_id)
        assert (record["intended_team_id"], record["actual_recipient"], record["outcome"]) == (
            "sales",
            FRANK.user_id,
            "answered",
        ), record
    finally:
        platform.demo_phone(FRANK.mobile, None)


async def _carol_introduces_her_calls(platform: Platform) -> None:
    async with platform.client("PRESENCE_PORT", CAROL.user_id) as carol:
        chosen = await carol.put("/v1/users/me/call-introduction", json={"call_introduction": "on"})
    assert chosen.status_code == 200, chosen.text
    await routed(platform, CAROL.smartnumber, lambda p: p["steps"][0]["introductions"][:1] != [None])


async def _introduced(observer: Ami, after: int) -> dict[str, str]:
    """The introduction being played to the answering phone (the gateway's introduce AGI)."""
    return await observer.wait_for(
        lambda e: (
            e.get("Event") == "AGIExecStart"
            and e.get("Channel", "").startswith(rings(CAROL))
            and e.get("Command", "").startswith("STREAM FILE")
        ),
        after=after,
    )


async def test_call_introduction_star_puts_the_call_through(
    platform: Platform, ami: Ami, observer: Ami, bus: Bus
) -> None:
    # 1. Carol has every call introduced (§3.8); her mobile answers.
    await _carol_introduces_her_calls(platform)
    platform.demo_phone(CAROL.mobile, "answer")
    try:
        mark = observer.mark()
        await call_in(ami, CAROL.smartnumber, says=SHORT)
        call_id = (await bus.next("gateway.call.started.v1", dialled=CAROL.smartnumber))["call_id"]
        # 2. She answers and hears "there is a call for you…"; she presses star during it.
        heard = await _introduced(observer, mark)
        answering = heard["Channel"]
        assert answering.endswith(";1"), answering  # the Dial() leg, where U(sn-screen) runs
        played = await observer.action(Action="PlayDTMF", Channel=answering.replace(";1", ";2"), Digit="*")
        assert played["Response"] == "Success", played
        # 3. The call is put through to her: answered by Carol, the caller and she are bridged.
        answered = await bus.next("gateway.call.answered.v1", call_id=call_id)
        assert answered["answered_by_user_id"] == CAROL.user_id, answered
        await observer.wait_for(
            lambda e: e.get("Event") == "BridgeEnter" and e.get("Channel") == answering, after=mark
        )
        record = await record_of(platform, call_id)
        assert (record["actual_recipient"], record["outcome"]) == (CAROL.user_id, "answered"), record
    finally:
        platform.demo_phone(CAROL.mobile, None)


async def test_call_introduction_without_star_sends_the_caller_on_to_voicemail(
    platform: Platform, ami: Ami, observer: Ami, bus: Bus
) -> None:
    # 1. Carol has every call introduced (§3.8); her mobile answers, and she presses nothing.
    await _carol_introduces_her_calls(platform)
    platform.demo_phone(CAROL.mobile, "answer")
    try:
        mark = observer.mark()
        await call_in(ami, CAROL.smartnumber, says="sn/menu-main")
        call_id = (await bus.next("gateway.call.started.v1", dialled=CAROL.smartnumber))["call_id"]
        answering = (await _introduced(observer, mark))["Channel"]
        # 2. Her phone's leg is hung up after the introduction, never bridged to the caller.
        await observer.wait_for(
            lambda e: e.get("Event") == "Hangup" and e.get("Channel") == answering, after=mark
        )
        assert not any(
            e.get("Event") == "BridgeEnter" and e.get("Channel") == answering for e in observer.events[mark:]
        )
        # 3. The caller goes on to her voicemail and leaves a message there.
        left = await bus.next("gateway.call.voicemail_left.v1", call_id=call_id, within=120)
        assert left["mailbox"] == CAROL.user_id, left
        assert not bus.all("gateway.call.answered.v1", call_id=call_id)
        async with platform.client("MAILBOX_PORT", CAROL.user_id) as carol:
            messages = (await carol.get("/v1/mailboxes/users/me/messages")).json()
        assert [m["caller_number"] for m in messages if m["folder"] == "new"][-1:] == [CALLER]
        record = await record_of(platform, call_id)
        assert record["outcome"] == "voicemail", record
    finally:
        platform.demo_phone(CAROL.mobile, None)
