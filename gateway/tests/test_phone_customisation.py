"""Mailbox customisation from the keypad (§3.2.2, §3.5.2, §3.6.7, §3.6.9, §3.9, §5.1,
§5.6.2): each path ends with what the directory, the mailbox or presence now holds."""

from __future__ import annotations

import httpx
import pytest

from gateway.tests.phone_platform import WAV
from services.mailbox.tests.samples import tone_wav

pytestmark = pytest.mark.slow
CUSTOMISATION = "5"


async def test_a_password_that_begins_with_zero_is_refused_and_the_old_one_still_works(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "1" + "012345#012345#")
    assert "sn/password-not-valid" in call.played
    again = await stage.dial(adam, adam.signs_in + "*")
    assert "sn/wrong-password" not in again.played


async def test_two_different_entries_change_nothing(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "1" + "482913#482914#")
    assert "sn/password-not-valid" in call.played
    async with httpx.AsyncClient(base_url=stage.directory.url, timeout=20) as web:
        r = await web.post("/v1/sessions", json={"number": adam.smartnumber, "password": adam.password})
    assert r.status_code == 200, r.text


async def test_message_alerts_are_read_then_one_is_switched(stage):
    adam = await stage.person("adam")
    # Alerts (heard to the end) → the message waiting light (heard) → off; the guide
    # returns to Mailbox customisation. ("-": he lets the reading finish, then waits.)
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "2" + "-3" + "-2")
    read = call.played.index("sn/alert-call")
    assert call.played[read : read + 10] == [
        "sn/alert-call",
        "sn/is-off",
        "sn/alert-sms",
        "sn/is-off",
        "sn/alert-message_waiting",
        "sn/is-on",
        "sn/alert-email",
        "sn/is-off",
        "sn/alert-pager",
        "sn/is-off",
    ]
    assert call.played[call.played.index("sn/setting-changed") + 1] == "sn/menu-customisation"
    alerts = (await stage.mailbox_of(adam))["alerts"]
    assert alerts == {"call": False, "sms": False, "message_waiting": False, "email": False, "pager": False}


@pytest.mark.parametrize(("key", "alert"), [("1", "call"), ("2", "sms"), ("5", "pager")])
async def test_each_alert_can_be_switched_on(stage, key, alert):
    adam = await stage.person("adam")
    await stage.dial(adam, adam.signs_in + CUSTOMISATION + "2" + key + "1")
    assert (await stage.mailbox_of(adam))["alerts"][alert] is True


async def test_record_then_hear_the_name(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "3" + "2#" + "1", says=tone_wav(0.8))
    assert "sn/recording-saved" in call.played
    (name,) = [g for g in (await stage.mailbox_of(adam))["greetings"] if g["kind"] == "name"]
    assert round(name["duration_seconds"], 1) == 0.8
    assert any(p.startswith(str(stage.spool)) for p in call.played[call.played.index("sn/recording-saved") :])


async def test_permanent_greeting_record_hear_delete(stage):
    adam = await stage.person("adam")
    await stage.dial(adam, adam.signs_in + CUSTOMISATION + "4" + "2#", says=tone_wav(1.2))
    assert "permanent" in {g["kind"] for g in (await stage.mailbox_of(adam))["greetings"]}
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "4" + "1" + "3")
    assert "sn/greeting-deleted" in call.played
    assert "permanent" not in {g["kind"] for g in (await stage.mailbox_of(adam))["greetings"]}


async def test_hanging_up_while_recording_a_greeting_saves_nothing(stage):
    adam = await stage.person("adam")
    # The keys run out at the recording: he hangs up while speaking.
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "4" + "2", says=tone_wav(1.2))
    assert call.hung_up and "sn/recording-saved" not in call.played
    assert "permanent" not in {g["kind"] for g in (await stage.mailbox_of(adam))["greetings"]}


async def test_deleting_a_greeting_there_is_not_says_so(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "5" + "3")
    read = call.played.index("sn/no-greeting")
    assert call.played[read : read + 4] == [
        "sn/no-greeting",
        "sn/no-greeting",
        "sn/no-greeting",
        "sn/menu-temporary-greeting",
    ], "read (3 pressed), refused, read again"


async def test_extended_absence_greeting_recorded_from_its_menu_then_switched_on(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "6" + "2#" + "4", says=tone_wav(1.0))
    assert "sn/record-greeting-first" not in call.played, "recorded already: nothing more asked"
    box = await stage.mailbox_of(adam)
    assert box["extended_absence"] is True
    assert "extended_absence" in {g["kind"] for g in box["greetings"]}


async def test_extended_absence_switched_off_from_its_menu(stage):
    adam = await stage.person("adam")
    async with stage.as_(adam, stage.mailbox) as box:
        await box.put("/v1/mailboxes/users/me/greetings/extended_absence", content=tone_wav(1.0), headers=WAV)
        assert (
            await box.put("/v1/mailboxes/users/me/extended-absence", json={"enabled": True})
        ).status_code == 200
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "6" + "-5")
    assert call.played[call.played.index("sn/extended-absence") + 1] == "sn/is-on"
    assert (await stage.mailbox_of(adam))["extended_absence"] is False


async def test_voice_to_email_on(stage):
    adam = await stage.person("adam", email="adam@example.com")
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "7" + "1" + "-1")
    assert call.played[call.played.index("sn/menu-voice-to-email") - 1] == "sn/is-off", "read before offered"
    assert (await stage.mailbox_of(adam))["voice_to_email"] is True


async def test_fax_forward_to_a_home_fax_number_typed(stage):
    adam = await stage.person("adam")
    await stage.dial(adam, adam.signs_in + CUSTOMISATION + "7" + "2" + "2" + "01632960888#" + "#")
    assert (await stage.presence_of(adam))["numbers"]["home_fax"] == "+441632960888"
    assert (await stage.mailbox_of(adam))["fax_delivery"] == "home_fax"


@pytest.mark.parametrize(("key", "delivery"), [("4", "email"), ("5", "mailbox")])
async def test_fax_forward_to_email_or_the_mailbox_only(stage, key, delivery):
    adam = await stage.person("adam", email="adam@example.com")
    async with stage.as_(adam, stage.mailbox) as box:
        await box.patch("/v1/mailboxes/users/me/settings", json={"fax_delivery": "home_fax"})
    await stage.dial(adam, adam.signs_in + CUSTOMISATION + "7" + "2" + key)
    assert (await stage.mailbox_of(adam))["fax_delivery"] == delivery


async def test_a_fax_location_with_a_number_asks_for_none(stage):
    adam = await stage.person("adam")
    async with stage.as_(adam, stage.presence) as p:
        await p.patch("/v1/users/me/numbers", json={"temporary_fax": "01632 960777"})
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "7" + "2" + "3")
    assert "sn/enter-number-or-hash" not in call.played
    assert (await stage.mailbox_of(adam))["fax_delivery"] == "temporary_fax"
    assert (await stage.presence_of(adam))["numbers"]["temporary_fax"] == "+441632960777", "kept as it was"


@pytest.mark.parametrize(
    ("key", "flag", "prompt"),
    [("1", "lost_calls", "sn/lost-calls"), ("2", "delegated_calls", "sn/delegated-calls")],
)
async def test_call_reporting_is_read_then_switched_on(stage, key, flag, prompt):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "8" + key + "-1")
    assert call.played[call.played.index(prompt) + 1] == "sn/is-off"
    reporting = (await stage.presence_of(adam))["call_reporting"]
    assert reporting[flag] is True and sum(reporting.values()) == 1


async def test_fax_to_email_without_an_email_address_is_refused_and_nothing_changes(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CUSTOMISATION + "7" + "2" + "4")
    assert "sn/not-done" in call.played
    assert (await stage.mailbox_of(adam))["fax_delivery"] == "mailbox"
