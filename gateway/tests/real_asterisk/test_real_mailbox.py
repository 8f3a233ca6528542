"""The mailbox through a REAL Asterisk (only with ASTERISK_BIN): signing in at the mailbox number
with keys pressed during the prompts (§3.1.1), and the message-waiting lamp (§3.5) that
Asterisk holds for desk phones (res_mwi_external: ``MWIGet``, its ``MessageWaiting`` events).

Keys are pressed the way a phone sends them: AMI ``PlayDTMF`` on the caller's half of the
Local channel, when the gateway has started the prompt that waits for them (the
``AGIExecStart`` event of its FastAGI command).
"""

from __future__ import annotations

from typing import Any

import pytest

from gateway.tests.real_asterisk.real_platform import (
    ASTERISK,
    HANK,
    IVY,
    PASSWORD,
    Person,
    Platform,
    deposit,
)
from gateway.tests.real_asterisk.watching import (
    Ami,
    Bus,
    eventually,
)

HANK_MAILBOX = "441632960108"  # his mailbox number, as the carrier delivers it
pytestmark = pytest.mark.skipif(
    not ASTERISK, reason="needs a real Asterisk: set ASTERISK_BIN=/path/to/sbin/asterisk"
)


async def messages_of(platform: Platform, person: Person) -> list[dict[str, Any]]:
    async with platform.client("MAILBOX_PORT", person.user_id) as mailbox:
        return list((await mailbox.get("/v1/mailboxes/users/me/messages")).json())


async def lamp(ami: Ami, person: Person) -> str:
    """The new-message count Asterisk holds for the person's lamp (AMI MWIGet)."""
    asked = await ami.action(Action="MWIGet", Mailbox=f"{person.user_id}@acme")
    assert asked["Response"] == "Success", asked
    state = await ami.wait_for(
        lambda e: e.get("ActionID") == asked["ActionID"] and e.get("Event") == "MWIGet", within=10
    )
    return state["NewMessages"]


async def test_a_new_message_lights_the_lamp_on_asterisk_and_deleting_it_puts_it_out(
    platform: Platform, ami: Ami, bus: Bus
) -> None:
    # 1. A caller leaves Ivy a message; Ivy has her lamp on (§3.5).
    mark = ami.mark()
    message = await deposit(platform, IVY)
    # 2. The gateway sets her lamp on Asterisk (MWIUpdate) and says so on the bus; Asterisk
    #    publishes the new state (what a subscribed desk phone is notified of).
    await bus.next("gateway.mwi.set.v1", mwi_mailbox="ivy@acme", new_messages=1)
    waiting = await ami.wait_for(
        lambda e: e.get("Event") == "MessageWaiting" and e.get("Mailbox") == "ivy@acme", after=mark
    )
    assert (waiting["Waiting"], waiting["New"]) == ("1", "1"), waiting
    assert await lamp(ami, IVY) == "1"
    # 3. She deletes it (on the web): the lamp goes out.
    mark = ami.mark()
    async with platform.client("MAILBOX_PORT", IVY.user_id) as ivy:
        deleted = await ivy.delete(f"/v1/mailboxes/users/me/messages/{message['id']}")
    assert deleted.status_code == 204, deleted.text
    await bus.next("gateway.mwi.set.v1", mwi_mailbox="ivy@acme", new_messages=0)
    waiting = await ami.wait_for(
        lambda e: e.get("Event") == "MessageWaiting" and e.get("Mailbox") == "ivy@acme", after=mark
    )
    assert (waiting["Waiting"], waiting["New"]) == ("0", "0"), waiting
    assert await lamp(ami, IVY) == "0"


async def press(observer: Ami, caller: str, keys: str) -> None:
    """The caller presses ``keys``, one after the other, on their phone."""
    for key in keys:
        sent = await observer.action(Action="PlayDTMF", Channel=caller, Digit=key, Duration="120")
        assert sent["Response"] == "Success", sent


async def agi_command(observer: Ami, channel_prefix: str, starts: str, after: int) -> dict[str, str]:
    return await observer.wait_for(
        lambda e: (
            e.get("Event") == "AGIExecStart"
            and e.get("Channel", "").startswith(channel_prefix)
            and e.get("Command", "").startswith(starts)
        ),
        after=after,
    )


async def test_star_during_the_greeting_and_the_password_sign_in_and_the_new_message_plays(
    platform: Platform, observer: Ami, bus: Bus
) -> None:
    # 1. Hank has a new message, and his lamp is lit.
    message = await deposit(platform, HANK, seconds=1.5)
    await bus.next("gateway.mwi.set.v1", mwi_mailbox="hank@acme", new_messages=1)
    # 2. He dials his mailbox number (01632 960108) from a phone; his greeting plays.
    mark = observer.mark()
    await observer.send(
        Action="Originate",
        Channel=f"Local/{HANK_MAILBOX}@sn-demo-caller",
        Application="Wait",
        Data="120",
        Async="true",
    )
    mailbox_side = f"Local/{HANK_MAILBOX}@sn-demo-caller"
    greeting = await agi_command(observer, mailbox_side, "STREAM FILE", mark)
    phone = greeting["Channel"].replace(";2", ";1")  # his phone: the other half of the Local channel
    # 3. Star during the greeting; the password, then hash, when asked for it.
    await press(observer, phone, "*")
    await agi_command(observer, mailbox_side, "GET DATA sn/enter-password", mark)
    await press(observer, phone, f"{PASSWORD}#")
    # 4. Signed in: "you have 1 new message", and the message plays.
    said = await agi_command(observer, mailbox_side, "SAY NUMBER 1", mark)
    assert said

    async def heard() -> dict[str, Any] | None:
        return next(
            (
                m
                for m in await messages_of(platform, HANK)
                if m["id"] == message["id"] and m["folder"] != "new"
            ),
            None,
        )

    # Hearing it makes it Old (§5.3), and his lamp goes out.
    assert (await eventually(heard, within=60))["folder"] == "old"
    await bus.next("gateway.mwi.set.v1", mwi_mailbox="hank@acme", new_messages=0)
    await observer.send(Action="Hangup", Channel=phone)


async def test_a_wrong_password_does_not_sign_in_and_the_message_stays_new(
    platform: Platform, observer: Ami
) -> None:
    message = await deposit(platform, HANK, seconds=1.0)
    mark = observer.mark()
    mailbox_side = f"Local/{HANK_MAILBOX}@sn-demo-caller"
    await observer.send(
        Action="Originate", Channel=mailbox_side, Application="Wait", Data="120", Async="true"
    )
    greeting = await agi_command(observer, mailbox_side, "STREAM FILE", mark)
    phone = greeting["Channel"].replace(";2", ";1")
    await press(observer, phone, "*")
    await agi_command(observer, mailbox_side, "GET DATA sn/enter-password", mark)
    await press(observer, phone, "111111#")
    # "Wrong password", and asked again; no message is played.
    retry = await agi_command(observer, mailbox_side, "STREAM FILE sn/wrong-password", mark)
    assert retry
    await observer.send(Action="Hangup", Channel=phone)
    await observer.wait_for(
        lambda e: e.get("Event") == "Hangup" and e.get("Channel") == greeting["Channel"], after=mark
    )
    [still] = [m for m in await messages_of(platform, HANK) if m["id"] == message["id"]]
    assert still["folder"] == "new"
