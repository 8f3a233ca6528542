"""The main flows against a REAL Asterisk (only with ASTERISK_BIN): ``make run`` starts it with
its generated configuration (gateway/smartnumbers_gateway/asterisk/dev_asterisk.py) next to
every service, and calls are made with Local channels and AMI Originate:

- a carrier call (``Local/<smartnumber>@sn-demo-caller``: the caller "says" a prompt) to a
  user whose mobile (a demo phone) is not answered goes to voicemail, and the message is
  deposited in the mailbox; the message-waiting state follows (AMI ``MWIGet``);
- a caller giving up while the phone rings is a lost call in routing's records;
- the same call answered on the user's mobile is answered by her;
- click-to-dial rings her and then the number she asked for;
- the gateway's ModuleCheck at login finds every module the flows need (/readyz).

The same behaviours are covered against the FAKE Asterisk in gateway/tests (make test).
"""

from __future__ import annotations

import shutil
from typing import Any

import httpx
import pytest

from gateway.tests.real_asterisk.real_platform import (
    ALICE,
    ASTERISK,
    CALLER,
    Platform,
)
from gateway.tests.real_asterisk.watching import (
    Ami,
    calls_of,
    eventually,
)
from gateway.tests.real_asterisk.watching import call_in as call_to

pytestmark = pytest.mark.skipif(
    not ASTERISK, reason="needs a real Asterisk: set ASTERISK_BIN=/path/to/sbin/asterisk"
)
SMARTNUMBER, MOBILE = ALICE.digits, ALICE.mobile_digits


async def call_in(ami: Ami, *, says: str = "sn/menu-main", gives_up_after_ms: int | None = None) -> None:
    """A carrier call from +447700900555 to Alice's smartnumber, through a Local channel."""
    await call_to(ami, ALICE.smartnumber, says=says, gives_up_after_ms=gives_up_after_ms)


async def test_no_answer_goes_to_voicemail_and_the_message_is_deposited(platform: Platform, ami: Ami) -> None:
    await call_in(ami)

    async def messages() -> list[dict[str, Any]]:
        async with platform.client("MAILBOX_PORT") as mailbox:
            return [m for m in (await mailbox.get("/v1/mailboxes/users/me/messages")).json() if m]

    found = await eventually(messages, within=120)
    assert found[0]["caller_number"] == CALLER and found[0]["folder"] == "new"
    # The new message lights her lamp (res_mwi_external, MWIUpdate), as a desk phone's
    # SUBSCRIBE would show; hearing it makes it Old (§5.3), and the lamp goes off.
    await lamp_shows(ami, "1")
    async with platform.client("MAILBOX_PORT") as mailbox:
        audio = await mailbox.get(f"/v1/mailboxes/users/me/messages/{found[0]['id']}/audio")
    assert audio.status_code == 200 and len(audio.content) > 8000, "a few seconds of what the caller said"
    await lamp_shows(ami, "0")


async def lamp_shows(ami: Ami, new_messages: str) -> None:
    """Asterisk's MWI state for alice@acme comes to show ``new_messages`` new messages."""
    asked = iter(range(1000))
    seen: list[dict[str, str]] = []

    async def shown() -> dict[str, str] | None:
        action = f"mwi-{next(asked)}"
        await ami.send(Action="MWIGet", Mailbox="alice@acme", ActionID=action)
        state = await ami.wait_for(lambda e: e.get("ActionID") == action and "Response" not in e, within=10)
        seen.append(state)
        return state if state.get("NewMessages") == new_messages else None

    try:
        await eventually(shown, within=90)
    except AssertionError:
        raise AssertionError(f"Asterisk's MWI state for alice@acme stayed {seen[-1:]}") from None


async def test_a_caller_giving_up_while_the_phone_rings_is_a_lost_call(platform: Platform, ami: Ami) -> None:
    before = {c["call_id"] for c in await calls_of(platform)}
    await call_in(ami, gives_up_after_ms=4000)

    async def ended() -> list[dict[str, Any]]:
        return [c for c in await calls_of(platform) if c["call_id"] not in before and c["ended_at"]]

    [call] = await eventually(ended, within=60)
    assert call["outcome"] == "lost", call
    assert call["answered_at"] is None and call["caller_number"] == CALLER


async def test_a_call_answered_on_the_mobile_is_answered_by_her(platform: Platform, ami: Ami) -> None:
    platform.cli(f"database put sn-demo {MOBILE} answer")
    try:
        before = {c["call_id"] for c in await calls_of(platform)}
        await call_in(ami, says="sn/not-available-leave-message")
        answered = await ami.wait_for(
            lambda e: (
                e.get("Event") == "DialEnd"
                and e.get("DialStatus") == "ANSWER"
                and e.get("DestChannel", "").startswith(f"Local/{MOBILE}@sn-demo-phones")
            )
        )
        assert answered

        async def ended() -> list[dict[str, Any]]:
            return [c for c in await calls_of(platform) if c["call_id"] not in before and c["ended_at"]]

        [call] = await eventually(ended, within=60)
        assert call["answered_at"] is not None and call["actual_recipient"] in ("alice", "+447700900001"), (
            call
        )
    finally:
        platform.cli(f"database del sn-demo {MOBILE}")


async def test_click_to_dial_rings_her_then_the_number(platform: Platform, ami: Ami) -> None:
    platform.cli(f"database put sn-demo {MOBILE} answer")
    try:
        async with platform.client("GATEWAY_PORT") as gateway:
            accepted = await gateway.post("/v1/click-to-dial", json={"to": "+447700900777"})
        assert accepted.status_code == 202, accepted.text
        await ami.wait_for(
            lambda e: (
                e.get("Event") == "DialBegin" and "447700900777@sn-demo-phones" in e.get("DialString", "")
            )
        )
    finally:
        platform.cli(f"database del sn-demo {MOBILE}")


async def test_the_gateway_checked_the_modules_of_this_asterisk_and_is_ready(platform: Platform) -> None:
    """ModuleCheck through the shipped manager.conf's permissions: this build has every module."""

    async def ready() -> dict[str, Any] | None:
        async with httpx.AsyncClient(base_url=platform.url("GATEWAY_PORT")) as gateway:
            body = (await gateway.get("/readyz")).json()
        return body if "asterisk_module_res_agi" in body["checks"] and body["ready"] else None

    body = await eventually(ready, within=30)
    assert body["checks"]["asterisk_module_res_mwi_external_ami"] is True


def test_the_real_asterisk_is_the_one_tested() -> None:
    assert ASTERISK and shutil.which(ASTERISK), ASTERISK
