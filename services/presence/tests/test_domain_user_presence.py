"""The presence aggregate's rules, without any store (user guide §3.3, §3.6, §3.7)."""

import pytest
from smartnumbers_kit.errors import Conflict, Invalid
from smartnumbers_presence.domain.availability import Availability
from smartnumbers_presence.domain.location import Location
from smartnumbers_presence.domain.phone_line import PhoneLine
from smartnumbers_presence.domain.user_presence import MAX_CALL_MANAGER_SESSIONS, UserPresence


def alice() -> UserPresence:
    return UserPresence(organisation_id="acme", user_id="alice", display_name="Alice")


def test_a_new_user_is_logged_out_and_available():
    user = alice()
    assert user.location == Location.NONE and user.location_number is None
    assert user.availability == Availability.AVAILABLE
    assert user.available_for_team_calls is True


def test_selecting_a_location_needs_its_number_and_temporary_takes_one():
    user = alice()
    with pytest.raises(Invalid, match="no mobile number"):
        user.number_for(Location.MOBILE, None)
    user.change_numbers({"mobile": "+447700900123"})
    user.select_location(Location.MOBILE, user.number_for(Location.MOBILE, None))
    assert (user.location, user.location_number) == ("mobile", "+447700900123")
    with pytest.raises(Invalid, match="temporary location needs the number"):
        user.number_for(Location.TEMPORARY, None)
    with pytest.raises(Invalid, match="only with a temporary location"):
        user.number_for(Location.DESK, "+441632960001")
    user.select_location(Location.TEMPORARY, "+441632960001")
    assert user.numbers["temporary"] == "+441632960001"


def test_the_number_of_the_current_location_cannot_be_removed_but_can_change():
    user = alice()
    user.change_numbers({"desk": "+441632960001"})
    user.select_location(Location.DESK, "+441632960001")
    with pytest.raises(Invalid, match="cannot remove your desk number"):
        user.change_numbers({"desk": None})
    assert user.change_numbers({"desk": "+441632960002"}) is True
    assert user.location_number == "+441632960002"


def test_delegate_is_needed_for_delegate_availability_and_cannot_be_yourself():
    user = alice()
    with pytest.raises(Invalid, match="choose a delegate"):
        user.set_availability(Availability.DELEGATE, None)
    with pytest.raises(Invalid, match="your own delegate"):
        user.set_availability(Availability.DELEGATE, "alice")
    user.set_availability(Availability.DELEGATE, "bob")
    assert (user.availability, user.delegate_id) == ("delegate", "bob")
    with pytest.raises(Invalid, match="change your availability before removing"):
        user.set_delegate(None)
    user.set_availability(Availability.VOICEMAIL, None)
    assert user.delegate_id == "bob", "the delegate stays defined (extended absence offers it)"


def test_call_reporting_changes_only_the_flags_given_and_records_nothing_when_unchanged():
    user = alice()
    assert (user.report_lost_calls, user.report_delegated_calls) == (False, False)
    assert user.set_call_reporting(lost_calls=True) is True
    assert user.set_call_reporting(delegated_calls=True) is True
    assert (user.report_lost_calls, user.report_delegated_calls) == (True, True)
    pending = len(user.collect_events())
    assert user.set_call_reporting(lost_calls=True, delegated_calls=True) is False
    assert user.collect_events() == [], "no event when nothing changes"
    assert pending == 3  # enrolled, then the two changes
    with pytest.raises(Invalid, match="lost_calls, delegated_calls or both"):
        user.set_call_reporting()
    user.set_call_reporting(lost_calls=False)
    assert (user.report_lost_calls, user.report_delegated_calls) == (False, True)


def test_team_availability_keeps_the_teams_an_administrator_chose():
    user = alice()
    user.make_active_in(["sales", "support", "sales"])
    user.set_team_availability(False)
    assert user.active_in == ["sales", "support"] and user.available_for_team_calls is False


def test_call_manager_sessions_are_counted_and_capped():
    user = alice()
    user.connect_call_manager("s1")
    user.connect_call_manager("s1")
    assert user.call_manager_sessions == ["s1"]
    for i in range(2, MAX_CALL_MANAGER_SESSIONS + 1):
        user.connect_call_manager(f"s{i}")
    with pytest.raises(Conflict):
        user.connect_call_manager("one-too-many")
    assert user.disconnect_call_manager("s1", expired=False) is True
    assert user.disconnect_call_manager("s1", expired=False) is False


def test_a_phone_line_has_one_occupant_and_names_who_was_displaced():
    line = PhoneLine(organisation_id="acme", number="+441632960001")
    assert line.log_on("alice") is None
    assert line.log_on("alice") is None
    assert line.log_on("bob") == "alice"
    line.log_off("alice")
    assert line.occupant == "bob"
    line.log_off("bob")
    assert line.occupant is None
