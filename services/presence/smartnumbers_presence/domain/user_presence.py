"""A user's presence: location, numbers, availability, delegate, call reporting, team calls, Call Manager."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from smartnumbers_kit.errors import Conflict, Invalid

from smartnumbers_presence.domain.availability import Availability, CallIntroduction
from smartnumbers_presence.domain.location import KEPT_NUMBER_LOCATIONS, NUMBER_KINDS, Location
from smartnumbers_presence.domain.ring_sequence import RingStep, checked_sequence

MAX_CALL_MANAGER_SESSIONS = 8


class UserPresence(Aggregate):
    @staticmethod
    def create_id(organisation_id: str, user_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:presence:user:{organisation_id}:{user_id}")

    @event("Enrolled")
    def __init__(self, organisation_id: str, user_id: str, display_name: str) -> None:
        self.organisation_id = organisation_id
        self.user_id = user_id
        self.display_name = display_name
        self.removed = False
        self.numbers: dict[str, str | None] = dict.fromkeys(NUMBER_KINDS)
        self.location = Location.NONE.value
        self.location_number: str | None = None
        self.availability = Availability.AVAILABLE.value
        self.delegate_id: str | None = None
        self.available_for_team_calls = True
        self.active_in: list[str] = []
        self.call_manager_sessions: list[str] = []
        self.call_introduction = CallIntroduction.OFF.value
        self.report_lost_calls = False
        self.report_delegated_calls = False
        self.ring_sequence: list[RingStep] = []
        self.time_zone: str | None = None
        self.schedule: list[dict[str, Any]] = []
        self.schedule_since: datetime | None = None
        """When the schedule was set: only periods starting after it switch anything."""
        self.schedule_period_start: datetime | None = None
        """Start of the last period applied."""

    # -- numbers ------------------------------------------------------------
    def change_numbers(self, changes: dict[str, str | None]) -> bool:
        """Apply ``changes`` (E.164 or None); True when the number calls ring changed."""
        unknown = set(changes) - set(NUMBER_KINDS)
        if unknown:
            raise Invalid(f"unknown number kind(s): {', '.join(sorted(unknown))}")
        numbers = {**self.numbers, **changes}
        if self.location != Location.NONE and numbers[self.location] is None:
            raise Invalid(
                f"you cannot remove your {self.location} number while your location is "
                f"{self.location}: select another location first"
            )
        rung = {kind for kinds, _ in self.ring_sequence for kind in kinds if numbers.get(kind) is None}
        if rung:
            raise Invalid(
                f"your ring sequence rings your {', '.join(sorted(rung))} number: "
                "change the sequence before removing it"
            )
        if numbers == self.numbers:
            return False
        self._numbers_changed(numbers=numbers)
        current = numbers.get(self.location) if self.location != Location.NONE else None
        if current != self.location_number:
            self._location_selected(
                location=self.location,
                number=current,
                previous_location=self.location,
                cause="number_changed",
                displaced_by=None,
            )
            return True
        return False

    @event("NumbersChanged")
    def _numbers_changed(self, numbers: dict[str, str | None]) -> None:
        self.numbers = dict(numbers)

    # -- location -------------------------------------------------------------
    def number_for(self, location: Location, temporary_number: str | None) -> str | None:
        """The number a selection of ``location`` would ring (validated, E.164 already)."""
        if location == Location.NONE:
            return None
        if location == Location.TEMPORARY:
            if temporary_number is None:
                raise Invalid("a temporary location needs the number to ring")
            return temporary_number
        if temporary_number is not None:
            raise Invalid(f"a number is given only with a temporary location, not {location.value}")
        number = self.numbers.get(location.value)
        if number is None:
            raise Invalid(f"you have no {location.value} number: enter one before selecting {location.value}")
        return number

    def select_location(self, location: Location, number: str | None) -> None:
        if location in KEPT_NUMBER_LOCATIONS:
            assert number == self.numbers[location.value]
        if location == Location.TEMPORARY and self.numbers["temporary"] != number:
            self._numbers_changed(numbers={**self.numbers, "temporary": number})
        self._location_selected(
            location=location.value,
            number=number,
            previous_location=self.location,
            cause="selected",
            displaced_by=None,
        )

    def log_out_by_hot_desk(self, displaced_by: str) -> None:
        """Another user logged on to the number this user was on (§3.3): set to None."""
        self._location_selected(
            location=Location.NONE.value,
            number=None,
            previous_location=self.location,
            cause="hot_desk",
            displaced_by=displaced_by,
        )

    @event("LocationSelected")
    def _location_selected(
        self,
        location: str,
        number: str | None,
        previous_location: str,
        cause: str,
        displaced_by: str | None,
    ) -> None:
        self.location = location
        self.location_number = number

    # -- availability and delegate -------------------------------------------
    def set_availability(self, availability: Availability, delegate_id: str | None) -> None:
        """``delegate_id`` (already checked to be a user of the organisation) replaces the delegate."""
        delegate = delegate_id if delegate_id is not None else self.delegate_id
        if delegate == self.user_id:
            raise Invalid("you cannot be your own delegate")
        if availability == Availability.DELEGATE and delegate is None:
            raise Invalid("choose a delegate before diverting calls to your delegate")
        self._availability_changed(availability=availability.value, delegate_id=delegate)

    def set_delegate(self, delegate_id: str | None) -> None:
        if delegate_id == self.user_id:
            raise Invalid("you cannot be your own delegate")
        if delegate_id is None and self.availability == Availability.DELEGATE:
            raise Invalid(
                "your calls go to your delegate: change your availability before removing the delegate"
            )
        self._availability_changed(availability=self.availability, delegate_id=delegate_id)

    @event("AvailabilityChanged")
    def _availability_changed(self, availability: str, delegate_id: str | None) -> None:
        self.availability = availability
        self.delegate_id = delegate_id

    # -- personal ring sequence (used while Available) ---------------------------
    def set_ring_sequence(self, steps: list[RingStep]) -> bool:
        """Replace the sequence (empty: none); True when it changed."""
        checked = checked_sequence(steps, self.numbers)
        if checked == self.ring_sequence:
            return False
        self._ring_sequence_changed(steps=[{"numbers": list(k), "seconds": n} for k, n in checked])
        return True

    @event("RingSequenceChanged")
    def _ring_sequence_changed(self, steps: list[dict[str, Any]]) -> None:
        self.ring_sequence = [(tuple(str(k) for k in s["numbers"]), int(s["seconds"])) for s in steps]

    # -- weekly schedule (beyond the guide) ---------------------------------------
    def set_schedule(self, time_zone: str | None, periods: list[dict[str, Any]], at: datetime) -> None:
        """Replace the schedule (periods already validated as contracts; no time zone: none)."""
        for n, period in enumerate(periods, start=1):
            location = period.get("location")
            if location == Location.TEMPORARY:
                raise Invalid(f"period {n}: a schedule selects desk, mobile, home or none, not temporary")
            if location not in (None, Location.NONE) and self.numbers.get(location) is None:
                raise Invalid(f"period {n}: you have no {location} number: enter one before scheduling it")
            if period.get("availability") == "delegate" and self.delegate_id is None:
                raise Invalid(f"period {n}: choose a delegate before scheduling Delegate")
        self._schedule_changed(time_zone=time_zone, periods=periods, at=at)

    @event("ScheduleChanged")
    def _schedule_changed(self, time_zone: str | None, periods: list[dict[str, Any]], at: datetime) -> None:
        self.time_zone, self.schedule, self.schedule_since = time_zone, list(periods), at

    def switch_schedule(self, period_start: datetime, period: int) -> None:
        """The period ``period`` started: apply its location and availability."""
        settings = self.schedule[period]
        location, availability = settings.get("location"), settings.get("availability")
        skipped: list[str] = []
        number = None
        if location is not None and location != Location.NONE:
            number = self.numbers.get(location)
            if number is None:
                skipped.append(f"location {location}: no {location} number is kept any more")
                location = None
        if availability == "delegate" and self.delegate_id is None:
            skipped.append("availability delegate: no delegate is chosen any more")
            availability = None
        self._schedule_switched(
            period_start=period_start,
            period=period,
            location=location,
            availability=availability,
            skipped=skipped,
        )
        if location is not None:
            self._location_selected(
                location=location,
                number=number,
                previous_location=self.location,
                cause="schedule",
                displaced_by=None,
            )
        if availability is not None:
            self._availability_changed(availability=availability, delegate_id=self.delegate_id)

    @event("ScheduleSwitched")
    def _schedule_switched(
        self,
        period_start: datetime,
        period: int,
        location: str | None,
        availability: str | None,
        skipped: list[str],
    ) -> None:
        self.schedule_period_start = period_start

    # -- call introduction (§3.8) ----------------------------------------------
    def set_call_introduction(self, setting: CallIntroduction) -> None:
        self._call_introduction_changed(setting=setting.value)

    @event("CallIntroductionChanged")
    def _call_introduction_changed(self, setting: str) -> None:
        self.call_introduction = setting

    # -- call reporting (§3.6.6–§3.6.9): an SMS for lost calls, for delegated calls --
    def set_call_reporting(
        self, *, lost_calls: bool | None = None, delegated_calls: bool | None = None
    ) -> bool:
        """Change the flags given (None keeps one); True when anything changed."""
        if lost_calls is None and delegated_calls is None:
            raise Invalid("say which call reporting to change: lost_calls, delegated_calls or both")
        lost = self.report_lost_calls if lost_calls is None else lost_calls
        delegated = self.report_delegated_calls if delegated_calls is None else delegated_calls
        if (lost, delegated) == (self.report_lost_calls, self.report_delegated_calls):
            return False
        self._call_reporting_changed(lost_calls=lost, delegated_calls=delegated)
        return True

    @event("CallReportingChanged")
    def _call_reporting_changed(self, lost_calls: bool, delegated_calls: bool) -> None:
        self.report_lost_calls = lost_calls
        self.report_delegated_calls = delegated_calls

    # -- team availability (§3.7) ---------------------------------------------
    def set_team_availability(self, available: bool) -> None:
        self._team_availability_changed(available=available, active_in=list(self.active_in))

    def make_active_in(self, teams: list[str]) -> None:
        self._team_availability_changed(available=self.available_for_team_calls, active_in=sorted(set(teams)))

    @event("TeamAvailabilityChanged")
    def _team_availability_changed(self, available: bool, active_in: list[str]) -> None:
        self.available_for_team_calls = available
        self.active_in = list(active_in)

    # -- Call Manager (§7): PC ring is honoured only while one is connected ----
    def connect_call_manager(self, session_id: str) -> None:
        if session_id in self.call_manager_sessions:
            return
        if len(self.call_manager_sessions) >= MAX_CALL_MANAGER_SESSIONS:
            raise Conflict(f"at most {MAX_CALL_MANAGER_SESSIONS} Call Manager windows may be connected")
        self._call_manager_connected(
            session_id=session_id, connected_sessions=len(self.call_manager_sessions) + 1
        )

    def disconnect_call_manager(self, session_id: str, *, expired: bool) -> bool:
        if session_id not in self.call_manager_sessions:
            return False
        self._call_manager_disconnected(
            session_id=session_id, expired=expired, connected_sessions=len(self.call_manager_sessions) - 1
        )
        return True

    @event("CallManagerConnected")
    def _call_manager_connected(self, session_id: str, connected_sessions: int) -> None:
        self.call_manager_sessions = [*self.call_manager_sessions, session_id]

    @event("CallManagerDisconnected")
    def _call_manager_disconnected(self, session_id: str, expired: bool, connected_sessions: int) -> None:
        self.call_manager_sessions = [s for s in self.call_manager_sessions if s != session_id]

    # -- the directory removed the user -----------------------------------------
    @event("Removed")
    def remove(self) -> None:
        self.removed = True
        self.location = Location.NONE.value
        self.location_number = None
        self.call_manager_sessions = []

    def rename(self, display_name: str) -> None:
        if display_name != self.display_name:
            self._renamed(display_name=display_name)

    @event("Renamed")
    def _renamed(self, display_name: str) -> None:
        self.display_name = display_name

    @event("Reinstated")
    def reinstate(self, display_name: str) -> None:
        self.removed = False
        self.display_name = display_name
