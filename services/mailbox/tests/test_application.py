"""The mailbox's use cases against real stores (SQLite and PostgreSQL) and real blobs on disk."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from eventsourcing.persistence import StoredEvent
from smartnumbers_kit.errors import Invalid, NotFound
from smartnumbers_mailbox.audio import recording_from_upload
from smartnumbers_mailbox.domain.blob import Blob
from smartnumbers_mailbox.domain.greetings import GreetingKind
from smartnumbers_mailbox.domain.mailbox import Mailbox
from smartnumbers_mailbox.domain.message import Folder, Message
from smartnumbers_mailbox.publishing import MailboxContracts

from services.mailbox.tests.samples import duration_of, tone_wav
from services.mailbox.tests.stories import enrol, team

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_story_a_broadcast_to_a_team_stores_the_audio_once_and_deleting_frees_it_last(mailbox):
    # 1. Sales has three members; Alice sends them a voicemail.
    enrol(mailbox, "acme", "alice", "bob", "carol", "dave")
    team(mailbox, "acme", "sales", ["bob", "carol", "dave"])
    sent = mailbox.send("acme", "alice", [("team", "sales")], recording_from_upload(tone_wav(1.0)), NOW)
    # 2. Each member has it as a new message; one file is on disk.
    assert sorted(owner for _, owner, _ in sent) == ["bob", "carol", "dave"]
    assert mailbox.blobs.count() == 1
    sha = mailbox.mailbox("acme", ("user", "bob")).message(sent[0][2]).sha256
    assert mailbox.repository.get(Blob.create_id(sha)).holders.__len__() == 3
    # 3. The file stays until the last member deletes it.
    for _, owner, message_id in sent[:-1]:
        mailbox.delete("acme", ("user", owner), message_id)
        assert mailbox.blobs.exists(sha)
    mailbox.delete("acme", ("user", sent[-1][1]), sent[-1][2])
    assert not mailbox.blobs.exists(sha) and mailbox.blobs.count() == 0


def test_the_sender_of_a_voicemail_to_their_own_team_does_not_receive_it(mailbox):
    """§5.4: a voicemail to a team reaches its members; the sender, a member, is not sent their own."""
    enrol(mailbox, "acme", "alice", "bob", "carol")
    team(mailbox, "acme", "sales", ["alice", "bob", "carol"])
    sent = mailbox.send("acme", "alice", [("team", "sales")], recording_from_upload(tone_wav(0.5)), NOW)
    assert sorted(owner for _, owner, _ in sent) == ["bob", "carol"]
    assert mailbox.mailbox("acme", ("user", "alice")).messages == {}
    team(mailbox, "acme", "solo", ["alice"])
    with pytest.raises(Invalid, match="nobody but you"):
        mailbox.send("acme", "alice", [("team", "solo")], recording_from_upload(tone_wav(0.5)), NOW)


def test_divert_with_annotation_moves_one_playable_recording_as_long_as_both(mailbox):
    enrol(mailbox, "acme", "alice", "bob")
    message_id = mailbox.deposit(
        "acme", ("user", "alice"), recording_from_upload(tone_wav(2.0)), NOW, caller_number="+441632960001"
    )
    [(_, _, copy_id)] = mailbox.forward(
        "acme",
        "alice",
        ("user", "alice"),
        message_id,
        [("user", "bob")],
        NOW,
        keep=False,
        annotation=recording_from_upload(tone_wav(1.5, rate=16000)),
    )
    copy = mailbox.mailbox("acme", ("user", "bob")).message(copy_id)
    assert duration_of(mailbox.blobs.get(copy.sha256)) == pytest.approx(3.5, abs=0.01)
    assert copy.caller_number == "+441632960001" and copy.forwarded_by[0].user_id == "alice"
    with pytest.raises(NotFound):
        mailbox.mailbox("acme", ("user", "alice")).message(message_id)
    assert mailbox.blobs.count() == 1  # the original's audio went with the divert


def test_a_team_copy_skips_removed_members_and_the_forwarder(mailbox):
    enrol(mailbox, "acme", "alice", "bob", "gone")
    team(mailbox, "acme", "sales", ["alice", "bob", "gone"])
    mailbox.save(*mailbox.owner_changed("acme", ("user", "gone"), lambda m: m.close()))
    message_id = mailbox.deposit("acme", ("user", "alice"), recording_from_upload(tone_wav(0.3)), NOW)
    copies = mailbox.forward("acme", "alice", ("user", "alice"), message_id, [("team", "sales")], NOW)
    assert [(kind, owner) for kind, owner, _ in copies] == [("user", "bob")]
    with pytest.raises(Invalid, match="the mailbox it is in"):
        mailbox.forward("acme", "alice", ("user", "alice"), message_id, [("user", "alice")], NOW)


def test_the_same_recording_deposited_at_once_in_many_mailboxes_is_held_by_each(mailbox):
    users = [f"u{i}" for i in range(8)]
    enrol(mailbox, "acme", *users)
    recording = recording_from_upload(tone_wav(0.3))
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda u: mailbox.deposit("acme", ("user", u), recording, NOW), users * 3))
    sha = next(iter(mailbox.mailbox("acme", ("user", "u0")).messages.values())).sha256
    assert len(mailbox.repository.get(Blob.create_id(sha)).holders) == 24


def test_a_refused_deposit_leaves_no_file_and_no_event(mailbox):
    enrol(mailbox, "acme", "alice")
    before = mailbox.recorder.max_notification_id()
    with pytest.raises(NotFound, match="'ghost'"):
        mailbox.deposit("acme", ("user", "ghost"), recording_from_upload(tone_wav(0.5)), NOW)
    assert mailbox.blobs.count() == 0 and mailbox.recorder.max_notification_id() == before


def test_organisations_never_reach_each_other(mailbox):
    enrol(mailbox, "acme", "alice")
    enrol(mailbox, "bolt", "bob")
    with pytest.raises(NotFound):
        mailbox.send("bolt", "bob", [("user", "alice")], recording_from_upload(tone_wav(0.5)), NOW)


def test_replacing_a_greeting_frees_the_old_recording_and_reply_needs_a_user_sender(mailbox):
    enrol(mailbox, "acme", "alice", "bob")
    mailbox.record_greeting(
        "acme", ("user", "alice"), GreetingKind.PERMANENT, recording_from_upload(tone_wav(1)), NOW
    )
    mailbox.record_greeting(
        "acme", ("user", "alice"), GreetingKind.PERMANENT, recording_from_upload(tone_wav(2)), NOW
    )
    assert mailbox.blobs.count() == 1
    from_caller = mailbox.deposit("acme", ("user", "alice"), recording_from_upload(tone_wav(0.5)), NOW)
    with pytest.raises(Invalid, match="call the caller back"):
        mailbox.reply("acme", ("user", "alice"), from_caller, recording_from_upload(tone_wav(0.5)), NOW)
    [(_, _, from_bob)] = mailbox.send(
        "acme", "bob", [("user", "alice")], recording_from_upload(tone_wav(0.7)), NOW
    )
    reply_id = mailbox.reply("acme", ("user", "alice"), from_bob, recording_from_upload(tone_wav(0.6)), NOW)
    reply = mailbox.mailbox("acme", ("user", "bob")).message(reply_id)
    assert reply.sender_user_id == "alice" and reply.folder == Folder.NEW


def test_a_message_left_from_a_users_own_number_is_theirs_so_reply_works(mailbox):
    """§5.3.3 Reply: a caller calling from a colleague's smartnumber, desk, mobile or home number
    is that colleague; the mailbox knows their numbers from the directory's and presence's events."""

    def user(user_id: str, smartnumber: str) -> None:
        profile = {"display_name": user_id.title(), "smartnumber": smartnumber}
        mailbox.save(*mailbox.owner_known("acme", ("user", user_id), profile=profile))

    def phones(user_id: str, **numbers: str | None) -> None:
        mailbox.save(*mailbox.fax_numbers_known("acme", user_id, {}, numbers))

    def left_from(number: str) -> Message:
        message_id = mailbox.deposit(
            "acme",
            ("user", "alice"),
            recording_from_upload(tone_wav(0.3)),
            NOW,
            from_caller=True,
            caller_number=number,
            caller_name=None,
        )
        return mailbox.mailbox("acme", ("user", "alice")).message(message_id)

    user("alice", "+441632960100")
    user("bob", "+441632960200")
    user("carol", "+441632960300")
    phones("bob", desk="+441632960222", mobile="+447700900200", home=None)
    # 1. From Bob's smartnumber, desk or mobile: Bob left it, named as the directory names him.
    for number in ("+441632960200", "+441632960222", "+447700900200"):
        message = left_from(number)
        assert (message.sender_user_id, message.caller_name) == ("bob", "Bob")
    # 2. So Alice can reply to it: the reply is in Bob's mailbox, from her.
    reply_id = mailbox.reply("acme", ("user", "alice"), message.id, recording_from_upload(tone_wav(0.4)), NOW)
    assert mailbox.mailbox("acme", ("user", "bob")).message(reply_id).sender_user_id == "alice"
    # 3. A number that is nobody's, or no longer his, or shared by two users, names nobody.
    phones("bob", desk="+441632960222", mobile="+447700900299")
    phones("carol", desk="+441632960222")
    assert left_from("+447700900200").sender_user_id is None
    assert left_from("+447700900299").sender_user_id == "bob"
    assert left_from("+441632960222").sender_user_id is None
    assert left_from("+441632960999").sender_user_id is None
    # 4. Bob's smartnumber changes, then he is removed: neither number is his any more.
    user("bob", "+441632960201")
    assert left_from("+441632960200").sender_user_id is None
    mailbox.save(*mailbox.user_removed("acme", "bob"))
    assert left_from("+441632960201").sender_user_id is None
    # 5. Another organisation never learns who calls from acme's numbers.
    enrol(mailbox, "bolt", "dave")
    bolt = mailbox.deposit(
        "bolt",
        ("user", "dave"),
        recording_from_upload(tone_wav(0.3)),
        NOW,
        from_caller=True,
        caller_number="+441632960300",
    )
    assert mailbox.mailbox("bolt", ("user", "dave")).message(bolt).sender_user_id is None


def test_fax_numbers_from_presence_may_come_before_the_user_from_the_directory(mailbox):
    mailbox.save(*mailbox.fax_numbers_known("acme", "alice", {"office_fax": "+441632960999"}))
    enrol(mailbox, "acme", "alice", email="alice@example.com")
    alice = mailbox.mailbox("acme", ("user", "alice"))
    assert (
        alice.fax_numbers == {"office_fax": "+441632960999"} and alice.profile["email"] == "alice@example.com"
    )
    mailbox.save(*mailbox.owner_changed("acme", ("user", "alice"), lambda m: m.close()))
    assert mailbox.fax_numbers_known("acme", "alice", {"office_fax": None}) == []


def test_message_alerts_are_stored_and_a_count_stored_before_them_reads_with_the_lamp_on(mailbox):
    enrol(mailbox, "acme", "alice")
    mailbox.change_settings("acme", ("user", "alice"), alerts={"message_waiting": False, "email": True})
    assert mailbox.mailbox("acme", ("user", "alice")).alerts == {
        "call": False,
        "sms": False,
        "message_waiting": False,
        "email": True,
        "pager": False,
    }
    # A count stored by the mailbox before message alerts (class version 1, no lamp setting).
    current = mailbox.mailbox("acme", ("user", "alice"))
    old = mailbox.mapper.transcoder.encode({"timestamp": NOW, "new_count": 1, "old_count": 0})
    stored = StoredEvent(
        originator_id=current.id,
        originator_version=current.version + 1,
        topic="smartnumbers_mailbox.domain.mailbox:Mailbox.NewCountChanged",
        state=old,
    )
    event = mailbox.mapper.to_domain_event(stored)
    assert isinstance(event, Mailbox.NewCountChanged) and event.message_waiting_light is True
    [published] = MailboxContracts(mailbox)(event)
    assert (published.new_count, published.message_waiting_light) == (1, True)
