"""Dialling the mailbox number (§3.1.1): a message, or star and the password; the lockout;
silence and hanging up. Real services; Asterisk FAKED at its FastAGI wire."""

from __future__ import annotations

import httpx
import pytest
from smartnumbers_kit.natsserver import free_port

from gateway.tests.fake_agi import FakeAgiChannel
from gateway.tests.phone_platform import CALLING_FROM
from services.mailbox.tests.samples import tone_wav

pytestmark = pytest.mark.slow


async def test_without_a_key_the_caller_leaves_a_message_in_the_mailbox(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, "", says=tone_wav(1.5))
    assert not any(c.startswith("GET DATA") for c in call.sent), "no password asked of a caller"
    async with stage.as_(adam, stage.mailbox) as box:
        (message,) = (await box.get("/v1/mailboxes/users/me/messages")).json()
    assert message["caller_number"] == f"+{CALLING_FROM}" and message["folder"] == "new"
    # Routing records the call: to the mailbox number, intended for nobody, a voicemail left.
    started, left = stage.left
    assert (started.dialled, started.intended_user_id) == (adam.mailbox_number, None)
    assert (left.call_id, left.mailbox) == (started.call_id, adam.user_id)


async def test_star_and_the_password_sign_in_and_new_messages_play_urgent_first(stage):
    adam = await stage.person("adam")
    await stage.message_for(adam, 1.0)
    await stage.message_for(adam, 2.0, urgent=True)
    # Calling from his own smartnumber changes nothing: the password is asked. He listens to
    # the first message to its end, waits, presses 3 for the next, listens, goes back (*).
    call = await stage.dial(adam, adam.signs_in + "-3" + "-*", calling_from=adam.smartnumber.lstrip("+"))
    assert "sn/enter-password" in call.played
    assert call.played[call.played.index("sn/enter-password") + 1 :][:3] == [
        "sn/you-have",
        "number:2",
        "sn/new-messages",
    ]
    first = call.played.index("sn/message")
    assert call.played[first + 1 : first + 3] == ["number:1", "sn/urgent"], "the urgent message plays first"
    second = call.played.index("sn/message", first + 1)
    assert call.played[second + 1] == "number:2" and "sn/menu-main" in call.played[second:]
    assert [m["folder"] for m in await stage.messages_of(adam)] == ["old", "old"], "both heard: now Old"


async def test_three_wrong_passwords_end_the_call_and_count_towards_the_lockout(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, "*111111#222222#333333#")
    assert call.played.count("sn/wrong-password") == 3 and call.played[-1] == "vm-goodbye"
    # Two more wrong on the web make five in a row: the directory locks the account.
    async with httpx.AsyncClient(base_url=stage.directory.url, timeout=20) as web:
        for _ in range(2):
            await web.post("/v1/sessions", json={"number": adam.smartnumber, "password": "444444"})
        r = await web.post("/v1/sessions", json={"number": adam.smartnumber, "password": adam.password})
    assert r.status_code == 423, r.text
    locked = await stage.dial(adam, adam.signs_in)
    assert "sn/account-locked" in locked.played


async def test_silence_repeats_the_menu_once_then_says_goodbye(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + "--")
    assert call.played.count("sn/menu-main") == 2
    assert call.played[-1] == "vm-goodbye" and call.sent[-1] == "HANGUP"


async def test_star_at_the_main_menu_says_goodbye_and_zero_repeats(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + "0*")
    assert call.played.count("sn/no-new-messages") == 2, "0 (pressed during the reading) started it again"
    assert call.played[-1] == "vm-goodbye" and not call.played.count("sn/menu-main")


async def test_a_key_that_is_no_option_says_so_and_asks_again(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + "-9*")
    assert "sn/invalid-key" in call.played and call.played[-1] == "vm-goodbye"


async def test_hanging_up_half_way_through_a_change_changes_nothing(stage):
    adam = await stage.person("adam")
    # Call routing → location → desk → types a number… and hangs up before confirming.
    call = await stage.dial(adam, adam.signs_in + "41" + "1" + "01632960999#")
    assert call.hung_up
    now = await stage.presence_of(adam)
    assert now["location"] != "desk" and now["numbers"]["desk"] is None


async def test_a_number_that_is_not_a_mailbox_number_gets_the_apology(stage):
    adam = await stage.person("adam")
    call = await FakeAgiChannel(
        stage.port, script="mailbox", args=[adam.smartnumber.lstrip("+"), "call-x"], keypad="*"
    ).run()
    assert call.played == ["sn/no-messages-taken"], "a smartnumber is not a mailbox number"
    assert not any(c.startswith("GET DATA") for c in call.sent)


async def test_a_service_that_cannot_be_reached_is_said_and_the_session_goes_on(stage):
    adam = await stage.person("adam")
    away = httpx.AsyncClient(base_url=f"http://127.0.0.1:{free_port()}", timeout=2)
    stage.services.presence = away  # presence is down
    try:
        call = await stage.dial(adam, adam.signs_in + "4" + "5")  # call routing… then customisation
    finally:
        await away.aclose()
    at = call.played.index("sn/not-done")
    assert call.played[at + 1] == "sn/no-new-messages", "back at the main menu"
    assert "sn/menu-customisation" in call.played[at:], "and the rest of the menus still work"
