"""The mailbox aggregate on its own: folders, counts, greetings, extended absence, faxes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from smartnumbers_kit.errors import Invalid, NotFound
from smartnumbers_mailbox.domain.alerts import DEFAULT_ALERTS
from smartnumbers_mailbox.domain.blob import Blob
from smartnumbers_mailbox.domain.fax_delivery import FaxDelivery
from smartnumbers_mailbox.domain.greetings import GreetingKind, Heard, todays_greeting_ends
from smartnumbers_mailbox.domain.mailbox import Mailbox
from smartnumbers_mailbox.domain.message import Fax, Folder, Message

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def mailbox(**profile: object) -> Mailbox:
    return Mailbox(
        organisation_id="acme",
        owner_kind="user",
        owner_id="alice",
        profile={"display_name": "Alice", "time_zone": "Europe/London", **profile},
    )


def message(i: str, at: datetime = T0, urgent: bool = False) -> Message:
    return Message.from_stored(
        {
            "id": i,
            "sha256": f"sha-{i}",
            "size": 10,
            "duration": 1.0,
            "caller_number": "+441632960001",
            "caller_name": None,
            "sender_user_id": None,
            "urgent": urgent,
            "forwarded_by": [],
            "arrived_at": at,
        }
    )


def counts(m: Mailbox) -> list[tuple[int, int]]:
    return [(e.old_count, e.new_count) for e in m.collect_events() if isinstance(e, Mailbox.NewCountChanged)]


def test_every_change_of_the_new_count_is_an_event_with_old_and_new_counts():
    m = mailbox()
    m.deposit(message("a"))
    m.deposit(message("b"))
    m.listened("a")
    m.move("b", Folder.SAVED)
    m.mark_urgent("b", True)  # not a change of the count
    m.move("a", Folder.NEW)
    m.delete("a")
    assert counts(m) == [(0, 1), (1, 2), (2, 1), (1, 0), (0, 1), (1, 0)]


def test_phone_order_is_urgent_first_then_oldest_first():
    m = mailbox()
    m.deposit(message("late", T0 + timedelta(hours=2)))
    m.deposit(message("early", T0))
    m.deposit(message("urgent-late", T0 + timedelta(hours=3), urgent=True))
    m.deposit(message("urgent-early", T0 + timedelta(hours=1), urgent=True))
    assert [x.id for x in m.listed()] == ["urgent-early", "urgent-late", "early", "late"]


def test_voice_to_email_emails_each_new_message_as_read_so_the_count_does_not_change():
    m = mailbox(email="alice@example.com")
    m.change_settings(voice_to_email=True, fax_delivery=None)
    m.collect_events()
    m.deposit(message("a"))
    events = m.collect_events()
    assert [type(e).__name__ for e in events] == ["Deposited", "Emailed"]
    assert m.message("a").folder == Folder.OLD and m.new_count == 0


def test_voice_to_email_and_fax_to_email_need_an_email_address():
    with pytest.raises(Invalid, match="no email address"):
        mailbox().change_settings(voice_to_email=True, fax_delivery=None)
    with pytest.raises(Invalid, match="no email address"):
        mailbox().change_settings(voice_to_email=None, fax_delivery=FaxDelivery.EMAIL)


def test_message_alerts_change_only_the_flags_given_and_only_a_user_has_them():
    m = mailbox()
    assert m.alerts == {"call": False, "sms": False, "message_waiting": True, "email": False, "pager": False}
    m.collect_events()
    m.change_settings(alerts={"sms": True, "pager": True})
    m.change_settings(alerts={"pager": False})
    assert m.alerts == {**DEFAULT_ALERTS, "sms": True}
    changed = [e.alerts for e in m.collect_events() if isinstance(e, Mailbox.MessageAlertsChanged)]
    assert changed == [{**DEFAULT_ALERTS, "sms": True, "pager": True}, {**DEFAULT_ALERTS, "sms": True}]
    m.change_settings(alerts={"sms": True, "message_waiting": True})
    assert m.collect_events() == [], "no event when nothing changes"
    with pytest.raises(Invalid, match=r"unknown message alert.*: fax"):
        m.change_settings(alerts={"fax": True})
    team = Mailbox(organisation_id="acme", owner_kind="team", owner_id="sales", profile={})
    with pytest.raises(Invalid, match="message alerts are a user's"):
        team.change_settings(alerts={"sms": True})


def test_the_lamp_setting_travels_with_the_count_and_switching_it_announces_the_count_again():
    m = mailbox()
    m.change_settings(alerts={"message_waiting": False})  # no New messages: nothing to announce
    m.deposit(message("a"))
    lamp = [
        (e.old_count, e.new_count, e.message_waiting_light)
        for e in m.collect_events()
        if isinstance(e, Mailbox.NewCountChanged)
    ]
    assert lamp == [(0, 1, False)]
    m.change_settings(alerts={"message_waiting": True})
    m.change_settings(alerts={"sms": True})  # the lamp did not change: no count
    lamp = [
        (e.old_count, e.new_count, e.message_waiting_light)
        for e in m.collect_events()
        if isinstance(e, Mailbox.NewCountChanged)
    ]
    assert lamp == [(1, 1, True)]


def test_extended_absence_needs_its_greeting_and_is_heard_before_any_other():
    m = mailbox()
    with pytest.raises(Invalid, match="record your extended absence greeting first"):
        m.enable_extended_absence()
    assert m.heard() == Heard.DEFAULT_WITH_NUMBER
    m.record_greeting(GreetingKind.NAME, {"sha256": "n", "recorded_at": T0})
    assert m.heard() == Heard.DEFAULT_WITH_NAME
    m.record_greeting(GreetingKind.PERMANENT, {"sha256": "p", "recorded_at": T0})
    assert m.heard() == Heard.PERMANENT
    m.record_greeting(GreetingKind.TODAY, {"sha256": "t", "recorded_at": T0})
    assert m.heard() == Heard.TODAY
    m.record_greeting(GreetingKind.EXTENDED_ABSENCE, {"sha256": "x", "recorded_at": T0})
    m.enable_extended_absence()
    assert m.heard() == Heard.EXTENDED_ABSENCE
    with pytest.raises(Invalid, match="turn it off before removing"):
        m.remove_greeting(GreetingKind.EXTENDED_ABSENCE)
    m.disable_extended_absence(cause="location_selected")
    assert m.heard() == Heard.TODAY


def test_recording_a_greeting_again_returns_the_recording_it_replaced():
    m = mailbox()
    assert m.record_greeting(GreetingKind.PERMANENT, {"sha256": "one", "recorded_at": T0}) is None
    assert m.record_greeting(GreetingKind.PERMANENT, {"sha256": "two", "recorded_at": T0}) == "one"
    with pytest.raises(NotFound, match="no today recording"):
        m.remove_greeting(GreetingKind.TODAY)


@pytest.mark.parametrize(
    ("zone", "recorded", "ends"),
    [
        ("Europe/London", datetime(2026, 7, 1, 22, 30, tzinfo=UTC), datetime(2026, 7, 1, 23, 0, tzinfo=UTC)),
        ("America/New_York", datetime(2026, 7, 2, 3, 0, tzinfo=UTC), datetime(2026, 7, 2, 4, 0, tzinfo=UTC)),
        ("Asia/Tokyo", datetime(2026, 7, 1, 14, 0, tzinfo=UTC), datetime(2026, 7, 1, 15, 0, tzinfo=UTC)),
    ],
)
def test_todays_greeting_ends_at_the_next_local_midnight(zone, recorded, ends):
    assert todays_greeting_ends(recorded, zone) == ends


def test_a_fax_goes_where_the_delivery_setting_says():
    m = mailbox(email="alice@example.com")
    m.update(fax_numbers={"office_fax": "+441632960999", "home_fax": None, "temporary_fax": None})
    fax = {
        "id": "f1",
        "sha256": "s",
        "size": 1,
        "pages": 1,
        "caller_number": None,
        "arrived_at": T0,
        "forwarded_by": [],
    }
    m.receive_fax(Fax.from_stored(fax))
    m.change_settings(voice_to_email=None, fax_delivery=FaxDelivery.OFFICE_FAX)
    m.receive_fax(Fax.from_stored({**fax, "id": "f2"}))
    m.change_settings(voice_to_email=None, fax_delivery=FaxDelivery.EMAIL)
    m.receive_fax(Fax.from_stored({**fax, "id": "f3"}))
    received = [e.delivery for e in m.collect_events() if isinstance(e, Mailbox.FaxReceived)]
    assert received == [
        None,
        {"kind": "fax", "to": "+441632960999"},
        {"kind": "email", "to": "alice@example.com"},
    ]


def test_a_blob_is_unreferenced_only_when_every_holder_let_go():
    blob = Blob(sha256="s", size=1)
    blob.hold(["a", "b", "a"])
    blob.release(["a"])
    assert not blob.unreferenced
    blob.release(["b", "b"])
    assert blob.unreferenced


def test_messages_and_faxes_are_typed_but_stored_as_before():
    """Stored events keep the dict form written before the types existed (no upcaster needed)."""
    old_message = {  # as deposited before ``left_for`` and the types existed
        "id": "m1",
        "sha256": "s",
        "size": 10,
        "duration": 1.5,
        "caller_number": None,
        "caller_name": None,
        "sender_user_id": "bob",
        "urgent": True,
        "forwarded_by": [{"user_id": "carol", "annotated": False, "at": "2026-03-02T09:00:00+00:00"}],
        "arrived_at": T0,
        "folder": "saved",
    }
    typed = Message.from_stored(old_message)
    assert (typed.folder, typed.forwarded_by[0].user_id, typed.left_for) == (Folder.SAVED, "carol", None)
    assert typed.stored() == old_message | {"left_for": None}
    old_fax = {"id": "f1", "sha256": "s", "size": 1, "pages": 2, "caller_number": None}
    old_fax |= {"arrived_at": T0, "forwarded_by": ["bob"], "folder": "new"}
    assert Fax.from_stored(old_fax).stored() == old_fax
    # The aggregate replays them from its events into the typed shapes.
    m = mailbox()
    m.deposit(typed)
    replayed = Mailbox.Deposited(
        originator_id=m.id, originator_version=m.version + 1, timestamp=T0, message=old_message | {"id": "m2"}
    )
    replayed.mutate(m)
    assert m.message("m2").sender_user_id == "bob" and m.message("m2").urgent is True
