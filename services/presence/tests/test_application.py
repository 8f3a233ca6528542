"""Presence's use cases against real stores: SQLite and PostgreSQL (user guide §3.3-§3.7)."""

import pytest
from smartnumbers_kit.errors import Invalid, NotFound
from smartnumbers_presence.domain.availability import Availability
from smartnumbers_presence.domain.location import Location

from services.presence.tests.enrolment import enrol


def test_numbers_in_national_format_are_stored_in_e164_with_the_organisation_country(presence):
    enrol(presence, "acme", "alice", country="GB")
    enrol(presence, "bolt", "carol", country="US")
    presence.change_numbers("acme", "alice", {"mobile": "07700 900123", "office_fax": "+44 1632 960999"})
    presence.change_numbers("bolt", "carol", {"desk": "(201) 555-0123"})
    assert presence.presence_of("acme", "alice").numbers["mobile"] == "+447700900123"
    assert presence.presence_of("acme", "alice").numbers["office_fax"] == "+441632960999"
    assert presence.presence_of("bolt", "carol").numbers["desk"] == "+12015550123"


def test_an_undialable_number_is_refused_and_nothing_changes(presence):
    enrol(presence, "acme", "alice")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001"})
    with pytest.raises(Invalid, match="mobile number '12' is not"):
        presence.change_numbers("acme", "alice", {"desk": "01632 960002", "mobile": "12"})
    assert presence.presence_of("acme", "alice").numbers["desk"] == "+441632960001"


def test_story_hot_desking_logs_out_the_previous_user_of_a_shared_phone(presence):
    # 1. Alice and Bob share a desk phone; Alice logs on to it.
    enrol(presence, "acme", "alice", "bob")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001", "mobile": "07700 900001"})
    presence.change_numbers("acme", "bob", {"home": "01632 960001"})
    presence.select_location("acme", "alice", Location.DESK)
    # 2. Bob selects a location whose number is Alice's current location.
    presence.select_location("acme", "bob", Location.HOME)
    # 3. Alice is set to None: her calls now go to voicemail.
    alice = presence.presence_of("acme", "alice")
    assert alice.location == Location.NONE and alice.location_number is None
    assert presence.presence_of("acme", "bob").location_number == "+441632960001"
    # 4. Alice moves to her mobile; Bob leaving the desk later does not disturb her.
    presence.select_location("acme", "alice", Location.MOBILE)
    presence.select_location("acme", "bob", Location.NONE)
    presence.select_location("acme", "alice", Location.DESK)
    assert presence.presence_of("acme", "bob").location == Location.NONE
    assert presence.presence_of("acme", "alice").location == Location.DESK


def test_hot_desking_stays_within_an_organisation(presence):
    enrol(presence, "acme", "alice")
    enrol(presence, "bolt", "bob")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001"})
    presence.change_numbers("bolt", "bob", {"desk": "01632 960001"})
    presence.select_location("acme", "alice", Location.DESK)
    presence.select_location("bolt", "bob", Location.DESK)
    assert presence.presence_of("acme", "alice").location == Location.DESK


def test_a_delegate_must_be_another_user_of_the_same_organisation(presence):
    enrol(presence, "acme", "alice", "bob")
    enrol(presence, "bolt", "mallory")
    with pytest.raises(Invalid, match="'mallory' is not a user of your organisation"):
        presence.set_availability("acme", "alice", Availability.DELEGATE, "mallory")
    with pytest.raises(Invalid, match="'nobody' is not a user"):
        presence.set_delegate("acme", "alice", "nobody")
    presence.set_availability("acme", "alice", Availability.DELEGATE, "bob")
    alice = presence.presence_of("acme", "alice")
    assert (alice.availability, alice.delegate_id) == ("delegate", "bob")


def test_call_reporting_is_stored_and_an_unchanged_setting_records_nothing(presence):
    enrol(presence, "acme", "alice")
    presence.set_call_reporting("acme", "alice", delegated_calls=True)
    alice = presence.presence_of("acme", "alice")
    assert (alice.report_lost_calls, alice.report_delegated_calls) == (False, True)
    presence.set_call_reporting("acme", "alice", lost_calls=False, delegated_calls=True)
    assert presence.presence_of("acme", "alice").version == alice.version
    with pytest.raises(NotFound):
        presence.set_call_reporting("acme", "ghost", lost_calls=True)


def test_another_organisations_user_cannot_be_addressed(presence):
    enrol(presence, "acme", "alice")
    enrol(presence, "bolt", "bob")
    with pytest.raises(NotFound):
        presence.presence_of("acme", "bob")
    assert [u.user_id for u in presence.presence_of_many("acme", ["alice", "bob", "ghost"])] == ["alice"]


def test_removed_users_disappear_and_free_their_phone_line(presence):
    enrol(presence, "acme", "alice", "bob")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001"})
    presence.change_numbers("acme", "bob", {"desk": "01632 960001"})
    presence.select_location("acme", "alice", Location.DESK)
    presence.save(*presence.user_removed("acme", "alice"))
    with pytest.raises(NotFound):
        presence.presence_of("acme", "alice")
    presence.select_location("acme", "bob", Location.DESK)
    assert presence.presence_of("acme", "bob").location == Location.DESK


def test_concurrent_changes_to_one_user_all_land(presence):
    from concurrent.futures import ThreadPoolExecutor

    enrol(presence, "acme", "alice", "bob")
    choices = [Availability.VOICEMAIL, Availability.AVAILABLE, Availability.NO_MESSAGES]

    def change(i: int) -> None:
        presence.set_availability("acme", "alice", choices[i % 3])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(change, range(60)))
    assert presence.presence_of("acme", "alice").version == 1 + 60
