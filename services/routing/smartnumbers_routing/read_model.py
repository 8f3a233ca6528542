"""Routing's read model: what it decides from, kept in memory from other services' events.

Presence (location, availability, delegate, team availability, Call Manager, call
introduction), the directory (users, smartnumbers, mailbox numbers, teams, VIPs,
contacts) and the mailbox (greetings heard, name recordings, extended absence) publish
everything routing needs; ``apply`` folds one contract in. Nothing on the hot path
calls another service. The model is rebuilt at start-up by replaying the streams.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from smartnumbers_contracts import Contract
from smartnumbers_contracts import directory as dir_wire
from smartnumbers_contracts import mailbox as mb_wire
from smartnumbers_contracts import presence as pres_wire
from smartnumbers_contracts import schedule as sched_wire

from smartnumbers_routing.domain.callees import Caller, TeamView, UserView

HEARD = {
    mb_wire.HeardGreeting.TODAY: "today",
    mb_wire.HeardGreeting.PERMANENT: "permanent",
    mb_wire.HeardGreeting.EXTENDED_ABSENCE: "permanent",  # EA is its own plan step; voicemail never plays it
    mb_wire.HeardGreeting.DEFAULT_WITH_NAME: "system",
    mb_wire.HeardGreeting.DEFAULT_WITH_NUMBER: "system",
}


class RoutingView:
    """Thread-safe: applied from the bus loop, read from request threads."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._users: dict[tuple[str, str], UserView] = {}
        self._teams: dict[tuple[str, str], TeamView] = {}
        self._numbers: dict[str, tuple[str, str, str]] = {}
        self._contacts: dict[tuple[str, str], dir_wire.ContactChanged] = {}
        self._contact_numbers: dict[str, set[tuple[str, str]]] = {}
        self._user_numbers: dict[str, tuple[str, str]] = {}
        self._opening: dict[str, sched_wire.OpeningHoursChanged] = {}
        self._handlers: dict[type[Contract], Callable[[Any], None]] = {
            pres_wire.LocationChanged: self._location,
            pres_wire.AvailabilityChanged: self._availability,
            pres_wire.TeamAvailabilityChanged: self._team_availability,
            pres_wire.CallManagerConnected: self._call_manager,
            pres_wire.CallManagerDisconnected: self._call_manager,
            pres_wire.CallIntroductionChanged: self._call_introduction,
            pres_wire.NumbersChanged: self._numbers_changed,
            pres_wire.RingSequenceChanged: self._ring_sequence,
            sched_wire.ScheduleChanged: self._schedule,
            sched_wire.ScheduleSwitched: self._schedule_switched,
            sched_wire.OpeningHoursChanged: self._opening_hours,
            dir_wire.UserCreated: self._user_created,
            dir_wire.UserUpdated: self._user_updated,
            dir_wire.UserRemoved: self._user_removed,
            dir_wire.UserTeamsChanged: self._user_teams,
            dir_wire.TeamCreated: self._team,
            dir_wire.TeamUpdated: self._team,
            dir_wire.TeamRemoved: self._team_removed,
            dir_wire.VipsChanged: self._vips,
            dir_wire.ContactChanged: self._contact,
            dir_wire.ContactRemoved: self._contact_removed,
            mb_wire.GreetingChanged: self._greeting,
            mb_wire.ExtendedAbsenceEnabled: self._extended_absence,
            mb_wire.ExtendedAbsenceDisabled: self._extended_absence,
        }

    @property
    def contracts(self) -> list[type[Contract]]:
        return list(self._handlers)

    def apply(self, contract: Contract) -> None:
        handler = self._handlers.get(type(contract))
        if handler is not None:
            with self._lock:
                handler(contract)

    # -- Callees (what decide() reads) -------------------------------------------------
    def owner_of(self, organisation_id: str | None, number: str) -> tuple[str, str, str] | None:
        with self._lock:
            owner = self._numbers.get(number)
        if owner is None or (organisation_id is not None and owner[0] != organisation_id):
            return None
        return owner

    def user(self, organisation_id: str, user_id: str) -> UserView | None:
        with self._lock:
            return self._users.get((organisation_id, user_id))

    def team(self, organisation_id: str, team_id: str) -> TeamView | None:
        with self._lock:
            return self._teams.get((organisation_id, team_id))

    def closed_at(self, organisation_id: str, at: datetime) -> str | None:
        with self._lock:
            hours = self._opening.get(organisation_id)
        if hours is None:
            return None
        return sched_wire.closed_because(hours.time_zone, hours.hours, hours.holidays, at)

    def closed_because(self, organisation_id: str) -> str | None:
        return self.closed_at(organisation_id, datetime.now(UTC))

    def overflow_team(self, organisation_id: str, team_id: str) -> TeamView | None:
        with self._lock:
            hours = self._opening.get(organisation_id)
            to = hours.overflow.get(team_id) if hours else None
            return self._teams.get((organisation_id, to)) if to else None

    def advance_round_robin(self, organisation_id: str, team_id: str) -> None:
        with self._lock:
            team = self._teams.get((organisation_id, team_id))
            if team is not None:
                team.next_first += 1

    def caller(
        self, organisation_id: str, callee_id: str | None, number: str | None, name: str | None
    ) -> Caller:
        """Reverse lookup: users first, then the callee's own contacts, then staff/public contacts."""
        if not number:
            return Caller(None, name)
        with self._lock:
            user_key = self._user_numbers.get(number)
            if user_key is not None and user_key[0] == organisation_id:
                user = self._users[user_key]
                return Caller(number, user.display_name, user.name_recording)
            contacts = [
                self._contacts[k] for k in self._contact_numbers.get(number, ()) if k[0] == organisation_id
            ]
        own = [c for c in contacts if c.owner_id == callee_id]
        shared = [c for c in contacts if c.viewable_by != "private"]
        for found in (own, shared):
            if found:
                return Caller(number, sorted(found, key=lambda c: c.contact_id)[0].display_name)
        return Caller(number, name)

    # -- presence ------------------------------------------------------------------------
    def _row(self, e: Any) -> UserView:
        return self._user_row(e.organisation_id, e.user_id)

    def _user_row(self, organisation_id: str, user_id: str) -> UserView:
        key = (organisation_id, user_id)
        if key not in self._users:
            self._users[key] = UserView(organisation_id, user_id)
        return self._users[key]

    def _location(self, e: pres_wire.LocationChanged) -> None:
        row = self._row(e)
        row.location, row.location_number = e.location.value, e.number

    def _availability(self, e: pres_wire.AvailabilityChanged) -> None:
        row = self._row(e)
        row.availability, row.delegate_id = e.availability.value, e.delegate_id

    def _team_availability(self, e: pres_wire.TeamAvailabilityChanged) -> None:
        row = self._row(e)
        row.available_for_team_calls, row.active_in = e.available_for_team_calls, list(e.active_in)

    def _call_manager(self, e: pres_wire.CallManagerConnected | pres_wire.CallManagerDisconnected) -> None:
        self._row(e).call_manager_sessions = e.connected_sessions

    def _call_introduction(self, e: pres_wire.CallIntroductionChanged) -> None:
        self._row(e).call_introduction = e.call_introduction.value

    def _numbers_changed(self, e: pres_wire.NumbersChanged) -> None:
        self._row(e).numbers = e.numbers.model_dump()

    def _ring_sequence(self, e: pres_wire.RingSequenceChanged) -> None:
        self._row(e).ring_sequence = tuple(
            (tuple(kind.value for kind in step.numbers), step.seconds) for step in e.steps
        )

    def _schedule(self, e: sched_wire.ScheduleChanged) -> None:
        row = self._row(e)
        row.time_zone, row.schedule = e.time_zone, list(e.periods)

    def _schedule_switched(self, e: sched_wire.ScheduleSwitched) -> None:
        self._row(e).schedule_period_start = e.period_start

    def _opening_hours(self, e: sched_wire.OpeningHoursChanged) -> None:
        self._opening[e.organisation_id] = e

    # -- mailbox ---------------------------------------------------------------------------
    def _greeting(self, e: mb_wire.GreetingChanged) -> None:
        """Which greeting callers hear (§3.4), and whether a name recording exists (§3.8)."""
        recording = f"mailbox:{e.owner_kind.value}:{e.owner_id}:name" if e.recorded else None
        if e.owner_kind == mb_wire.OwnerKind.TEAM:
            team = self._teams.get((e.organisation_id, e.owner_id))
            if team is not None and e.greeting == mb_wire.GreetingKind.NAME:
                team.name_recording = recording
            return
        row = self._user_row(e.organisation_id, e.owner_id)
        if e.greeting == mb_wire.GreetingKind.NAME:
            row.name_recording = recording
        row.greeting = HEARD.get(e.heard, "system")

    def _extended_absence(self, e: mb_wire.ExtendedAbsenceEnabled | mb_wire.ExtendedAbsenceDisabled) -> None:
        if e.owner_kind == mb_wire.OwnerKind.USER:
            self._user_row(e.organisation_id, e.owner_id).extended_absence = isinstance(
                e, mb_wire.ExtendedAbsenceEnabled
            )

    # -- directory -------------------------------------------------------------------------
    def _user_created(self, e: dir_wire.UserCreated) -> None:
        row = self._row(e)
        row.removed = False
        row.display_name = e.profile.display_name if e.profile else e.display_name
        self._set_smartnumber(row, e.profile.smartnumber if e.profile else e.smartnumber)
        self._set_mailbox_number(row, e.profile.mailbox_number if e.profile else None)

    def _user_updated(self, e: dir_wire.UserUpdated) -> None:
        row = self._row(e)
        row.display_name = e.profile.display_name
        self._set_smartnumber(row, e.profile.smartnumber)
        self._set_mailbox_number(row, e.profile.mailbox_number)

    def _set_smartnumber(self, row: UserView, number: str | None) -> None:
        if row.smartnumber and self._numbers.get(row.smartnumber, ("", "", ""))[2] == row.user_id:
            self._numbers.pop(row.smartnumber, None)
            self._user_numbers.pop(row.smartnumber, None)
        row.smartnumber = number
        if number:
            self._numbers[number] = (row.organisation_id, "user", row.user_id)
            self._user_numbers[number] = (row.organisation_id, row.user_id)

    def _set_mailbox_number(self, row: UserView, number: str | None) -> None:
        """Mailbox numbers share the index with smartnumbers (both unique on the platform, §3.1.1)."""
        mine = (row.organisation_id, "mailbox", row.user_id)
        if row.mailbox_number and self._numbers.get(row.mailbox_number) == mine:
            self._numbers.pop(row.mailbox_number, None)
        row.mailbox_number = number
        if number:
            self._numbers[number] = mine

    def _user_removed(self, e: dir_wire.UserRemoved) -> None:
        row = self._row(e)
        row.removed = True
        self._set_smartnumber(row, None)
        self._set_mailbox_number(row, None)

    def _user_teams(self, e: dir_wire.UserTeamsChanged) -> None:
        self._row(e).active_in = list(e.active_in)

    def _team(self, e: dir_wire.TeamCreated | dir_wire.TeamUpdated) -> None:
        key = (e.organisation_id, e.team_id)
        previous = self._teams.get(key)
        if previous and previous.smartnumber:
            self._numbers.pop(previous.smartnumber, None)
        t = e.team
        self._teams[key] = TeamView(
            e.organisation_id,
            e.team_id,
            kind=t.kind.value,
            name=t.name,
            smartnumber=t.smartnumber,
            members=list(t.members),
            strategy=t.strategy.value,
            ring_seconds=t.ring_seconds,
            max_wait_seconds=t.max_wait_seconds,
            when_nobody_answers=t.when_nobody_answers,
            name_recording=previous.name_recording if previous else None,
            next_first=previous.next_first if previous else 0,
        )
        if t.smartnumber:
            self._numbers[t.smartnumber] = (e.organisation_id, "team", e.team_id)

    def _team_removed(self, e: dir_wire.TeamRemoved) -> None:
        team = self._teams.pop((e.organisation_id, e.team_id), None)
        if team and team.smartnumber:
            self._numbers.pop(team.smartnumber, None)

    def _vips(self, e: dir_wire.VipsChanged) -> None:
        self._row(e).vip_numbers = frozenset(e.vip_numbers)

    def _contact(self, e: dir_wire.ContactChanged) -> None:
        self._contact_removed(e)
        key = (e.organisation_id, e.contact_id)
        self._contacts[key] = e
        for numbers in e.numbers.model_dump().values():
            for number in numbers:
                self._contact_numbers.setdefault(number, set()).add(key)

    def _contact_removed(self, e: dir_wire.ContactChanged | dir_wire.ContactRemoved) -> None:
        key = (e.organisation_id, e.contact_id)
        old = self._contacts.pop(key, None)
        if old is not None:
            for numbers in old.numbers.model_dump().values():
                for number in numbers:
                    self._contact_numbers.get(number, set()).discard(key)
