"""The Call routing menu from the keypad (§3.3.2, §3.3.3, §3.6.3, §3.6.5, §3.7.2, §3.8.1,
§3.9.3): each path ends with what presence (or the mailbox) now holds."""

from __future__ import annotations

import httpx
import pytest

from gateway.tests.phone_platform import CALLING_FROM, WAV
from services.mailbox.tests.samples import tone_wav
from services.presence.tests.e2e import eventually

pytestmark = pytest.mark.slow
CALL_ROUTING = "4"


async def with_numbers(stage, person, **numbers: str) -> None:
    async with stage.as_(person, stage.presence) as p:
        r = await p.patch("/v1/users/me/numbers", json=numbers)
        assert r.status_code == 200, r.text


async def test_the_menu_first_says_where_calls_go_now(stage):
    adam = await stage.person("adam")
    await with_numbers(stage, adam, mobile="07700 900123")
    async with stage.as_(adam, stage.presence) as p:
        assert (await p.put("/v1/users/me/location", json={"location": "mobile"})).status_code == 200
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING)
    start = call.played.index("sn/your-location-is")
    assert call.played[start : start + 5] == [
        "sn/your-location-is",
        "sn/location-mobile",
        "sn/at-number",
        "digits:447700900123",
        "sn/availability-available",
    ]


async def test_selecting_a_location_reads_its_number_back_and_hash_confirms_it(stage):
    adam = await stage.person("adam")
    await with_numbers(stage, adam, mobile="07700 900123")
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + "1" + "2" + "#")
    assert "digits:447700900123" in call.played and "sn/setting-changed" in call.played
    now = await stage.presence_of(adam)
    assert (now["location"], now["location_number"]) == ("mobile", "+447700900123")


async def test_star_at_the_read_back_cancels_and_nothing_changes(stage):
    adam = await stage.person("adam")
    await with_numbers(stage, adam, mobile="07700 900123")
    before = await stage.presence_of(adam)
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + "1" + "2" + "*")
    assert "sn/cancelled" in call.played
    assert (await stage.presence_of(adam))["location"] == before["location"]


async def test_a_temporary_location_offers_the_number_calling_and_reads_it_back(stage):
    adam = await stage.person("adam")
    # Location → temporary → hash alone takes the number he calls from → hash confirms it.
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + "1" + "4" + "#" + "#")
    assert f"digits:{CALLING_FROM}" in call.played
    now = await stage.presence_of(adam)
    assert (now["location"], now["location_number"]) == ("temporary", f"+{CALLING_FROM}")


async def test_a_temporary_location_can_be_a_number_typed(stage):
    adam = await stage.person("adam")
    await stage.dial(adam, adam.signs_in + CALL_ROUTING + "1" + "4" + "01632960321#" + "#")
    now = await stage.presence_of(adam)
    assert (now["location"], now["location_number"]) == ("temporary", "+441632960321")


async def test_log_out_sets_location_none(stage):
    adam = await stage.person("adam")
    await with_numbers(stage, adam, desk="01632 960111")
    async with stage.as_(adam, stage.presence) as p:
        assert (await p.put("/v1/users/me/location", json={"location": "desk"})).status_code == 200
    await stage.dial(adam, adam.signs_in + CALL_ROUTING + "2")
    assert (await stage.presence_of(adam))["location"] == "none"


async def test_divert_to_voicemail_then_record_todays_greeting(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + "3" + "2#", says=tone_wav(1.0))
    assert "sn/availability-voicemail" in call.played and "sn/recording-saved" in call.played
    assert (await stage.presence_of(adam))["availability"] == "voicemail"
    assert "today" in {g["kind"] for g in (await stage.mailbox_of(adam))["greetings"]}


async def test_divert_to_voicemail_hear_then_delete_todays_greeting(stage):
    adam = await stage.person("adam")
    async with stage.as_(adam, stage.mailbox) as box:
        r = await box.put("/v1/mailboxes/users/me/greetings/today", content=tone_wav(1.0), headers=WAV)
        assert r.status_code == 200, r.text
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + "3" + "1" + "3")
    heard = [p for p in call.played if p.startswith(str(stage.spool / "phone"))]
    assert len(heard) == 1, "today's greeting was played to him from the spool"
    assert "sn/greeting-deleted" in call.played
    assert "today" not in {g["kind"] for g in (await stage.mailbox_of(adam))["greetings"]}


async def test_delegate_without_one_asks_for_a_user_confirmed_by_number_then_hears_it(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + "4" + f"{bob.national}#" + "#" + "1")
    assert "sn/no-delegate" in call.played
    assert f"digits:{bob.national}" in call.played, "no name recorded: the number typed, read back"
    now = await stage.presence_of(adam)
    assert (now["availability"], now["delegate_id"]) == ("delegate", bob.user_id)
    heard = call.played.index("sn/your-delegate-is")
    assert call.played[heard + 1] == f"digits:{bob.smartnumber.lstrip('+')}", "no name recorded: his number"


async def test_changing_the_delegate_plays_their_recorded_name(stage):
    adam, bob, carol = await stage.person("adam"), await stage.person("bob"), await stage.person("carol")
    async with stage.as_(carol, stage.mailbox) as box:
        r = await box.put("/v1/mailboxes/users/me/greetings/name", content=tone_wav(0.8), headers=WAV)
        assert r.status_code == 200, r.text
    async with stage.as_(adam, stage.presence) as p:
        r = await p.put("/v1/users/me/delegate", json={"delegate_id": bob.user_id})
        assert r.status_code == 200, r.text
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + "4" + "2" + f"{carol.national}#" + "#")
    named = call.played[call.played.index("sn/enter-number") + 1]
    assert named.startswith(str(stage.spool / "phone")), "Carol's own recording says her name"
    assert (await stage.presence_of(adam))["delegate_id"] == carol.user_id


async def test_a_number_that_is_nobody_is_refused_and_nothing_changes(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + "4" + "01632000001#")
    assert "sn/number-unknown" in call.played
    now = await stage.presence_of(adam)
    assert (now["availability"], now["delegate_id"]) == ("available", None)


@pytest.mark.parametrize(("key", "availability"), [("5", "pc_ring"), ("6", "no_messages")])
async def test_pc_ring_and_no_messages_then_available_again(stage, key, availability):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + key)
    assert f"sn/availability-{availability}" in call.played
    assert (await stage.presence_of(adam))["availability"] == availability
    await stage.dial(adam, adam.signs_in + CALL_ROUTING + "7")
    assert (await stage.presence_of(adam))["availability"] == "available"


async def test_team_availability_is_read_then_switched_off(stage):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + "8" + "-2")  # hears it all, then 2
    start = call.played.index("sn/team-calls")
    assert call.played[start + 1] == "sn/is-on"
    assert (await stage.presence_of(adam))["available_for_team_calls"] is False


@pytest.mark.parametrize(
    ("key", "setting"), [("1", "on"), ("2", "on_with_password"), ("3", "delegated_only"), ("4", "off")]
)
async def test_each_of_the_four_call_introduction_settings(stage, key, setting):
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + "9" + key)
    assert f"sn/call-introduction-{setting}" in call.played
    assert (await stage.presence_of(adam))["call_introduction"] == setting


async def test_selecting_a_location_ends_extended_absence(stage):
    adam = await stage.person("adam")
    await with_numbers(stage, adam, mobile="07700 900123")
    async with stage.as_(adam, stage.mailbox) as box:
        r = await box.put(
            "/v1/mailboxes/users/me/greetings/extended_absence", content=tone_wav(1.0), headers=WAV
        )
        assert r.status_code == 200, r.text
        r = await box.put("/v1/mailboxes/users/me/extended-absence", json={"enabled": True})
        assert r.json()["extended_absence"] is True
    await stage.dial(adam, adam.signs_in + CALL_ROUTING + "1" + "2" + "#")
    async with stage.as_(adam, stage.mailbox) as box:
        await eventually(
            lambda: box.get("/v1/mailboxes/users/me"), lambda r: r.json()["extended_absence"] is False
        )


class ReadsOnly(httpx.AsyncBaseTransport):
    """Presence answering reads while its writes cannot get through."""

    def __init__(self) -> None:
        self.real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            raise httpx.ConnectError("presence is away", request=request)
        return await self.real.handle_async_request(request)


async def test_a_change_that_cannot_be_made_stays_in_the_menu_it_was_asked_in(stage):
    adam = await stage.person("adam")
    real = stage.services.presence
    stage.services.presence = httpx.AsyncClient(base_url=real.base_url, transport=ReadsOnly())
    try:
        call = await stage.dial(adam, adam.signs_in + CALL_ROUTING + "3")  # divert to voicemail
    finally:
        await stage.services.presence.aclose()
        stage.services.presence = real
    at = call.played.index("sn/not-done")
    assert call.played[at + 1] == "sn/your-location-is", "still in Call routing, which reads again"
    assert "sn/menu-voicemail-greeting" not in call.played
    assert (await stage.presence_of(adam))["availability"] == "available"
