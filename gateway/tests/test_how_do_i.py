"""Appendix B, "How do I…?", answered from a telephone keypad.

Every question a phone can answer is done here from the keypad and checked in the service
that owns the answer. Two cannot be answered by phone, as in the guide: "How do I get a
contact's details?" (§4.3, the web directory) and "How do I ensure I always receive calls
from selected people?" (§4.1.2, Make VIP on the web); both are tested on the web
(services/directory/tests, services/routing/tests).
"""

from __future__ import annotations

import httpx
import pytest

from services.mailbox.tests.samples import tone_wav

pytestmark = pytest.mark.slow


async def test_how_do_i_know_if_i_have_a_voicemail(stage):
    """§3.5: choose how you are alerted — here, an email for each new message."""
    adam = await stage.person("adam")
    await stage.dial(adam, adam.signs_in + "5" + "2" + "4" + "1")
    assert (await stage.mailbox_of(adam))["alerts"]["email"] is True


async def test_how_do_i_listen_to_voicemail(stage):
    """§5.3.2: sign in; the new messages play."""
    adam = await stage.person("adam")
    await stage.message_for(adam, 1.0)
    call = await stage.dial(adam, adam.signs_in)
    assert [p for p in call.played if p.startswith(str(stage.spool))], "the message was played"
    assert [m["folder"] for m in await stage.messages_of(adam)] == ["old"]


async def test_how_do_i_receive_faxes_to_the_office_fax_machine(stage):
    """§5.6.2: Fax forward → office fax; no number yet, so he keys in the number he calls from (#)."""
    adam = await stage.person("adam")
    await stage.dial(adam, adam.signs_in + "5" + "7" + "2" + "1" + "#" + "#", calling_from="441632960600")
    assert (await stage.presence_of(adam))["numbers"]["office_fax"] == "+441632960600"
    assert (await stage.mailbox_of(adam))["fax_delivery"] == "office_fax"


async def test_how_do_i_divert_calls_to_a_new_desk(stage):
    """§3.3.2: Call routing → location → desk; no desk number yet, so he types it, then confirms."""
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + "4" + "1" + "1" + "01632960999#" + "#")
    assert "sn/no-number-for-location" in call.played and "digits:441632960999" in call.played
    now = await stage.presence_of(adam)
    assert (now["location"], now["location_number"], now["numbers"]["desk"]) == (
        "desk",
        "+441632960999",
        "+441632960999",
    )


async def test_how_do_i_ensure_that_people_who_call_me_can_speak_to_someone_who_can_help_them(stage):
    """§3.6.5: divert calls to a delegate."""
    adam, bob = await stage.person("adam"), await stage.person("bob")
    await stage.dial(adam, adam.signs_in + "4" + "4" + f"{bob.national}#" + "#")
    now = await stage.presence_of(adam)
    assert (now["availability"], now["delegate_id"]) == ("delegate", bob.user_id)


async def test_how_do_i_change_my_password(stage):
    """§3.2.2: Mailbox customisation → password, twice."""
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + "5" + "1" + "482913#482913#")
    assert "sn/password-changed" in call.played
    async with httpx.AsyncClient(base_url=stage.directory.url, timeout=20) as web:
        r = await web.post("/v1/sessions", json={"number": adam.smartnumber, "password": "482913"})
        assert r.status_code == 200, r.text
        old = await web.post("/v1/sessions", json={"number": adam.smartnumber, "password": adam.password})
        assert old.status_code == 401


async def test_how_do_i_forward_voicemail_to_someone_else(stage):
    """§5.3.4: while it plays, the action menu → forward, their number, their name confirmed."""
    adam, bob = await stage.person("adam"), await stage.person("bob")
    await stage.message_for(adam, 1.0)
    await stage.dial(adam, adam.signs_in + "7" + "2" + f"{bob.national}#" + "#")
    (copy,) = await stage.messages_of(bob)
    assert copy["forwarded_by"][0]["by"] == adam.user_id


async def test_how_do_i_stop_calls_to_a_team_of_which_i_am_a_member(stage):
    """§3.7.2: Call routing → team availability → off."""
    adam = await stage.person("adam")
    await stage.dial(adam, adam.signs_in + "4" + "8" + "2")
    assert (await stage.presence_of(adam))["available_for_team_calls"] is False


async def test_how_do_i_let_people_know_im_in_a_meeting(stage):
    """§3.4, §5.1.6: record today's (temporary) greeting; callers hear it today."""
    adam = await stage.person("adam")
    await stage.dial(adam, adam.signs_in + "5" + "5" + "2#", says=tone_wav(1.5))
    assert (await stage.mailbox_of(adam))["heard"] == "today"


async def test_how_do_i_stop_voicemail_messages_building_up_when_away_for_a_long_time(stage):
    """§3.9: extended absence on — the phone asks for its greeting first, as none is recorded."""
    adam = await stage.person("adam")
    call = await stage.dial(adam, adam.signs_in + "5" + "6" + "4" + "#", says=tone_wav(1.5))
    assert "sn/record-greeting-first" in call.played
    box = await stage.mailbox_of(adam)
    assert box["extended_absence"] is True and box["heard"] == "extended_absence"
