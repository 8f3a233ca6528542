"""Messages from the keypad (§5.3, §5.4.2): playing, moving about in a message, the envelope,
calling the sender, and the action menu — each ending with what the mailbox now holds."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.mailbox.tests.samples import tone_wav
from services.presence.tests.e2e import BusWatcher

pytestmark = pytest.mark.slow
ACTION = "7"


def offsets(call, spool) -> list[int]:
    """The sample offsets each message recording was played from."""
    return [int(c.split()[-1]) for c in call.sent if c.startswith(f"STREAM FILE {spool}")]


async def test_previous_and_next_move_between_messages_and_each_heard_becomes_old(stage):
    adam = await stage.person("adam")
    await stage.message_for(adam, 1.0)
    await stage.message_for(adam, 1.0)
    # The first plays to its end; 3: the second plays to its end; 1: the first again; *.
    call = await stage.dial(adam, adam.signs_in + "-3" + "-1" + "-*")
    numbers = [call.played[i + 1] for i, p in enumerate(call.played) if p == "sn/message"]
    assert numbers == ["number:1", "number:2", "number:1"]
    assert [m["folder"] for m in await stage.messages_of(adam)] == ["old", "old"]


async def test_fast_forward_and_rewind_move_four_seconds(stage):
    adam = await stage.person("adam")
    await stage.message_for(adam, 1.0)
    call = await stage.dial(adam, adam.signs_in + "-6" + "-4" + "-*")
    # 8 kHz: four seconds are 32,000 samples. The fake Asterisk stops at sample 8,000.
    assert offsets(call, stage.spool) == [0, 8000 + 32000, 8000]


async def test_a_message_recorded_on_the_web_at_16_khz_plays_as_wav16_and_skips_four_seconds(stage):
    adam = await stage.person("adam")
    await stage.message_for(adam, 1.0, rate=16000)
    call = await stage.dial(adam, adam.signs_in + "-6" + "-*")
    assert [f.rsplit(".", 1)[1] for f in call.files_played] == ["wav16", "wav16"], (
        "Asterisk reads .wav as 8 kHz"
    )
    assert offsets(call, stage.spool) == [0, 8000 + 4 * 16000]


async def test_the_envelope_says_when_and_from_whom(stage):
    adam = await stage.person("adam", time_zone="America/New_York")
    await stage.message_for(adam, 1.0, caller_number="+447700900777")
    call = await stage.dial(adam, adam.signs_in + "5" + "-*")
    (message,) = await stage.messages_of(adam)
    at = call.played.index("sn/message-received-at")
    arrived = int(datetime.fromisoformat(message["arrived_at"]).timestamp())
    assert call.played[at : at + 4] == [
        "sn/message-received-at",
        f"datetime:{arrived}",
        "sn/message-from",
        "digits:447700900777",
    ]
    (said,) = [c for c in call.sent if c.startswith("SAY DATETIME")]
    assert said.endswith(" America/New_York"), "in his own time zone"


async def test_calling_the_sender_dials_their_number(stage):
    adam = await stage.person("adam")
    await stage.message_for(adam, 1.0, caller_number="+447700900777")
    call = await stage.dial(adam, adam.signs_in + "8" + "*")
    assert "sn/please-hold" in call.played
    assert 'EXEC Dial "PJSIP/+447700900777@trunk,60"' in call.sent


async def test_a_message_without_a_caller_number_cannot_be_called_back(stage):
    adam = await stage.person("adam")
    await stage.message_for(adam, 1.0, caller_number=None)
    call = await stage.dial(adam, adam.signs_in + "8" + "*")
    assert "sn/not-known-caller" in call.played and not any(c.startswith("EXEC Dial") for c in call.sent)


async def test_leave_a_message_for_another_user_while_listening(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    await stage.message_for(adam, 1.0)
    await stage.dial(adam, adam.signs_in + "2" + f"{bob.national}#" + "#" + "#" + "*", says=tone_wav(1.5))
    (sent,) = await stage.messages_of(bob)
    assert sent["sender_user_id"] == adam.user_id and round(sent["duration_seconds"]) == 2


async def test_send_a_voicemail_from_the_main_menu_and_hanging_up_sends_it(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    # §5.4.2: "When you have left the voicemail message, hang up."
    call = await stage.dial(adam, adam.signs_in + "2" + f"{bob.national}#" + "#", says=tone_wav(1.0))
    assert call.hung_up
    (sent,) = await stage.messages_of(bob)
    assert sent["sender_user_id"] == adam.user_id


async def test_reply_to_a_user_with_a_voicemail(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    await stage.message_for(adam, 1.0, sender=bob)
    await stage.dial(adam, adam.signs_in + ACTION + "1" + "#" + "*", says=tone_wav(1.0))
    (reply,) = await stage.messages_of(bob)
    assert reply["sender_user_id"] == adam.user_id


async def test_forward_keeping_a_copy(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    await stage.message_for(adam, 1.0)
    call = await stage.dial(adam, adam.signs_in + ACTION + "2" + f"{bob.national}#" + "#" + "*")
    assert "sn/message-forwarded" in call.played
    (copy,) = await stage.messages_of(bob)
    assert copy["forwarded_by"][0]["by"] == adam.user_id and not copy["forwarded_by"][0]["annotated"]
    assert len(await stage.messages_of(adam)) == 1


async def test_divert_removes_it(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    await stage.message_for(adam, 1.0)
    await stage.dial(adam, adam.signs_in + ACTION + "3" + f"{bob.national}#" + "#" + "*")
    assert len(await stage.messages_of(bob)) == 1 and await stage.messages_of(adam) == []


async def test_forward_with_an_annotation_added_to_listened_and_marked_urgent(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    await stage.message_for(adam, 1.0)
    # Record (#), 3 adds to the end (#), 1 listens, 4 marks urgent, # sends now.
    call = await stage.dial(
        adam,
        adam.signs_in + ACTION + "4" + f"{bob.national}#" + "#" + "#" + "3#" + "1" + "4" + "#" + "*",
        says=tone_wav(0.5),
    )
    assert "sn/marked-urgent" in call.played
    (copy,) = await stage.messages_of(bob)
    assert copy["urgent"] is True and copy["forwarded_by"][0]["annotated"] is True
    assert round(copy["duration_seconds"], 1) == 2.0, "two half-second annotations, then the message"
    assert len(await stage.messages_of(adam)) == 1


async def test_divert_with_an_annotation_recorded_again(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    await stage.message_for(adam, 1.0)
    await stage.dial(
        adam,
        adam.signs_in + ACTION + "5" + f"{bob.national}#" + "#" + "#" + "2#" + "#" + "*",
        says=tone_wav(0.5),
    )
    (copy,) = await stage.messages_of(bob)
    assert round(copy["duration_seconds"], 1) == 1.5, "only the annotation recorded again, then the message"
    assert await stage.messages_of(adam) == []


async def test_star_while_annotating_cancels_the_forward(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    await stage.message_for(adam, 1.0)
    call = await stage.dial(
        adam, adam.signs_in + ACTION + "5" + f"{bob.national}#" + "#" + "#" + "*" + "*", says=tone_wav(0.5)
    )
    assert "sn/cancelled" in call.played
    assert await stage.messages_of(bob) == [] and len(await stage.messages_of(adam)) == 1


async def test_star_at_the_recipients_name_cancels(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    await stage.message_for(adam, 1.0)
    await stage.dial(adam, adam.signs_in + ACTION + "2" + f"{bob.national}#" + "*" + "*")
    assert await stage.messages_of(bob) == []


async def test_save_keeps_it_in_saved(stage):
    adam = await stage.person("adam")
    await stage.message_for(adam, 1.0)
    call = await stage.dial(adam, adam.signs_in + ACTION + "6")
    assert "sn/message-saved" in call.played and "sn/no-more-messages" in call.played
    assert [m["folder"] for m in await stage.messages_of(adam)] == ["saved"]


async def test_delete_removes_it(stage):
    adam = await stage.person("adam")
    await stage.message_for(adam, 1.0)
    await stage.dial(adam, adam.signs_in + ACTION + "7")
    assert await stage.messages_of(adam) == []


async def test_copy_to_email_sends_it_and_classes_it_old(stage):
    adam = await stage.person("adam", email="adam@example.com")
    await stage.message_for(adam, 1.0)
    async with BusWatcher(stage.nats_url, "notify.>") as bus:
        await stage.dial(adam, adam.signs_in + ACTION + "8")
        email = await bus.next_matching("notify.email.send.v1", to="adam@example.com", reason="archive")
    assert email["organisation_id"] == stage.organisation
    assert [m["folder"] for m in await stage.messages_of(adam)] == ["old"], (
        "copied to email without being heard"
    )


async def test_a_recipient_by_team_number_is_confirmed_and_every_member_gets_it(stage):
    adam, bob = await stage.person("adam"), await stage.person("bob")
    number = await stage.team("sales", [bob])
    await stage.dial(
        adam, adam.signs_in + "2" + f"0{number.removeprefix('+44')}#" + "#" + "#", says=tone_wav(1.0)
    )
    (sent,) = await stage.messages_of(bob)
    assert sent["sender_user_id"] == adam.user_id
