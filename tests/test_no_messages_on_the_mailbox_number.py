"""§3.6 No messages, on the mailbox number (§3.1.1): the caller hears the greeting and cannot
leave a message; the owner can still press star and sign in. Real directory, presence,
routing, mailbox and gateway phone sessions; Asterisk FAKED at its FastAGI wire (the
gateway's phone stage)."""

from __future__ import annotations

import pytest

from gateway.tests.phone_platform import phone_services, stage  # noqa: F401
from services.mailbox.tests.samples import tone_wav
from services.presence.tests.e2e import eventually

pytestmark = pytest.mark.slow


async def test_story_with_no_messages_the_mailbox_number_takes_no_message_but_lets_the_owner_in(stage):  # noqa: F811
    adam = await stage.person("adam")
    # 1. Adam chooses No messages; the mailbox hears of it from presence.
    async with stage.as_(adam, stage.presence) as p:
        r = await p.put("/v1/users/me/availability", json={"availability": "no_messages"})
        assert r.status_code == 200, r.text
    async with stage.as_gateway(stage.mailbox) as gateway:
        await eventually(
            lambda: gateway.get(f"/v1/mailboxes/users/{adam.user_id}/greeting"),
            lambda r: r.json()["takes_messages"] is False,
        )
    # 2. A caller dials his mailbox number and says something after the greeting: nothing is
    #    recorded, they hear that no message can be taken.
    call = await stage.dial(adam, "", says=tone_wav(1.0))
    assert "sn/no-messages-taken" in call.played
    assert not any(c.startswith("RECORD FILE") for c in call.sent), "no recording is made"
    assert await stage.messages_of(adam) == []
    # 3. Adam himself presses star during the greeting and signs in, as always.
    call = await stage.dial(adam, adam.signs_in + "-*")
    assert "sn/enter-password" in call.played and "sn/no-new-messages" in call.played
