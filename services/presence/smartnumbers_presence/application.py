"""The presence application: each use case is load → decide → save, atomically.

Identifiers in and out are the organisation's own (``acme``, ``alice``); aggregate ids
are derived from them, so one organisation can never address another's users.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from smartnumbers_contracts.schedule import SchedulePeriod, next_switch, period_at, zone
from smartnumbers_kit.errors import Invalid, NotFound
from smartnumbers_kit.store import ServiceApplication

from smartnumbers_presence.domain.availability import Availability, CallIntroduction
from smartnumbers_presence.domain.dialable import to_e164
from smartnumbers_presence.domain.location import NUMBER_KINDS, Location
from smartnumbers_presence.domain.number_kinds import DEFAULT_ALLOWED, check_allowed
from smartnumbers_presence.domain.organisation import Organisation
from smartnumbers_presence.domain.phone_line import PhoneLine
from smartnumbers_presence.domain.ring_sequence import RingStep
from smartnumbers_presence.domain.user_presence import UserPresence


class PresenceApplication(ServiceApplication):
    name = "presence"

    def __init__(self, env: dict[str, str] | None = None, *, default_country: str = "GB") -> None:
        super().__init__(env)
        self.default_country = default_country

    # -- reading ------------------------------------------------------------------
    def presence_of(self, organisation_id: str, user_id: str) -> UserPresence:
        return self._user(organisation_id, user_id)

    def presence_of_many(self, organisation_id: str, user_ids: list[str]) -> list[UserPresence]:
        found = []
        for user_id in dict.fromkeys(user_ids):
            try:
                found.append(self._user(organisation_id, user_id))
            except NotFound:
                continue
        return found

    # -- numbers and location (§3.3, §5.5) ---------------------------------------
    def change_numbers(self, organisation_id: str, user_id: str, changes: dict[str, str | None]) -> None:
        country, allowed = self._policy(organisation_id)
        normalised = {
            kind: None if raw in (None, "") else to_e164(raw, country, what=f"{kind} number")
            for kind, raw in changes.items()
        }
        for kind, number in normalised.items():
            if number is not None:
                check_allowed(number, country, allowed, what=f"{kind.replace('_', ' ')} number")

        def command() -> list[Any]:
            user = self._user(organisation_id, user_id)
            old = user.location_number
            user.change_numbers(normalised)
            return self._hot_desk(user, old)

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    def select_location(
        self, organisation_id: str, user_id: str, location: Location, temporary_number: str | None = None
    ) -> None:
        country, allowed = self._policy(organisation_id)
        number = (
            to_e164(temporary_number, country, what="temporary number")
            if temporary_number not in (None, "")
            else None
        )

        def command() -> list[Any]:
            user = self._user(organisation_id, user_id)
            old = user.location_number
            ringing = user.number_for(location, number)
            if ringing is not None:  # a number kept from before the policy changed is checked too
                check_allowed(ringing, country, allowed, what=f"{location.value} number")
            user.select_location(location, ringing)
            return self._hot_desk(user, old)

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    def _hot_desk(self, user: UserPresence, old_number: str | None) -> list[Any]:
        """Move ``user`` between phone lines; log out whoever was on the new one (§3.3)."""
        changed: list[Any] = [user]
        new_number = user.location_number
        org = user.organisation_id
        if old_number is not None and old_number != new_number:
            old_line = self._line(org, old_number)
            if old_line is not None:
                old_line.log_off(user.user_id)
                changed.append(old_line)
        if new_number is not None:
            line = self._line(org, new_number) or PhoneLine(organisation_id=org, number=new_number)
            displaced = line.log_on(user.user_id)
            changed.append(line)
            if displaced is not None:
                other = self._user(org, displaced, allow_removed=True)
                if other.location_number == new_number:
                    other.log_out_by_hot_desk(displaced_by=user.user_id)
                    changed.append(other)
        return changed

    # -- availability, delegate, call reporting, team calls (§3.6, §3.7) -----------------------------
    def set_availability(
        self, organisation_id: str, user_id: str, availability: Availability, delegate_id: str | None = None
    ) -> None:
        def command() -> list[Any]:
            user = self._user(organisation_id, user_id)
            if delegate_id is not None:
                self._delegate(organisation_id, delegate_id)
            user.set_availability(availability, delegate_id)
            return [user]

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    def set_delegate(self, organisation_id: str, user_id: str, delegate_id: str | None) -> None:
        def command() -> list[Any]:
            user = self._user(organisation_id, user_id)
            if delegate_id is not None:
                self._delegate(organisation_id, delegate_id)
            user.set_delegate(delegate_id)
            return [user]

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    def set_call_introduction(self, organisation_id: str, user_id: str, setting: CallIntroduction) -> None:
        self._update(organisation_id, user_id, lambda user: user.set_call_introduction(setting))

    def set_call_reporting(
        self,
        organisation_id: str,
        user_id: str,
        *,
        lost_calls: bool | None = None,
        delegated_calls: bool | None = None,
    ) -> None:
        self._update(
            organisation_id,
            user_id,
            lambda user: user.set_call_reporting(lost_calls=lost_calls, delegated_calls=delegated_calls),
        )

    def set_ring_sequence(self, organisation_id: str, user_id: str, steps: list[RingStep]) -> None:
        self._update(organisation_id, user_id, lambda user: user.set_ring_sequence(steps))

    # -- weekly schedule (beyond the guide) ----------------------------------------------
    def set_schedule(
        self,
        organisation_id: str,
        user_id: str,
        time_zone: str | None,
        periods: list[SchedulePeriod],
        at: datetime,
    ) -> None:
        if time_zone is None and periods:
            raise Invalid("a schedule needs its time zone, like Europe/London")
        if time_zone is not None:
            try:
                zone(time_zone)
            except ValueError as e:
                raise Invalid(str(e)) from None
        stored = [p.model_dump(mode="json") for p in periods]
        self._update(organisation_id, user_id, lambda user: user.set_schedule(time_zone, stored, at))

    def switch_schedule_if_due(self, organisation_id: str, user_id: str, now: datetime) -> bool:
        """Apply the period in force at ``now`` if it started after the last one applied (and after
        the schedule was set); True when it switched. A period missed while down is applied late;
        of several missed, only the last."""
        switched = False

        def command() -> list[Any]:
            nonlocal switched
            switched = False  # run again after a conflict: another replica may have switched it
            user = self._user(organisation_id, user_id)
            if not user.schedule or user.time_zone is None:
                return []
            periods = [SchedulePeriod(**p) for p in user.schedule]
            current = period_at(periods, zone(user.time_zone), now)
            if current is None:
                return []
            start, index = current
            since = user.schedule_period_start or user.schedule_since
            if since is not None and start <= since:
                return []
            old = user.location_number
            user.switch_schedule(start, index)
            switched = True
            return self._hot_desk(user, old)

        self.run_command(command, key=f"{organisation_id}/{user_id}")
        return switched

    def next_schedule_switch(self, organisation_id: str, user_id: str, now: datetime) -> datetime | None:
        """When the user's next period starts after ``now`` (None: no schedule)."""
        user = self._user(organisation_id, user_id)
        if not user.schedule or user.time_zone is None:
            return None
        upcoming = next_switch([SchedulePeriod(**p) for p in user.schedule], zone(user.time_zone), now)
        return upcoming[0] if upcoming else None

    def set_team_availability(self, organisation_id: str, user_id: str, available: bool) -> None:
        self._update(organisation_id, user_id, lambda user: user.set_team_availability(available))

    # -- Call Manager connections (§7) ---------------------------------------------
    def connect_call_manager(self, organisation_id: str, user_id: str) -> str:
        session_id = uuid.uuid4().hex
        self._update(organisation_id, user_id, lambda user: user.connect_call_manager(session_id))
        return session_id

    def disconnect_call_manager(
        self, organisation_id: str, user_id: str, session_id: str, *, expired: bool = False
    ) -> None:
        def change(user: UserPresence) -> None:
            if not user.disconnect_call_manager(session_id, expired=expired) and not expired:
                raise NotFound(f"no Call Manager session {session_id!r} is connected for {user_id!r}")

        self._update(organisation_id, user_id, change)

    def has_call_manager_session(self, organisation_id: str, user_id: str, session_id: str) -> bool:
        return session_id in self._user(organisation_id, user_id).call_manager_sessions

    # -- what the directory tells us (bus handlers return what they changed) ----------
    def organisation_configured(self, organisation_id: str, name: str, default_country: str) -> list[Any]:
        try:
            organisation: Organisation = self.repository.get(Organisation.create_id(organisation_id))
        except AggregateNotFoundError:
            return [Organisation(organisation_id=organisation_id, name=name, default_country=default_country)]
        organisation.reconfigure(name=name, default_country=default_country)
        return [organisation]

    def location_policy_changed(self, organisation_id: str, allowed: list[str]) -> list[Any]:
        try:
            organisation: Organisation = self.repository.get(Organisation.create_id(organisation_id))
        except AggregateNotFoundError:  # the organisation's own event comes first; just in case
            organisation = Organisation(
                organisation_id=organisation_id, name=organisation_id, default_country=self.default_country
            )
        organisation.set_location_policy(allowed)
        return [organisation]

    def user_created(self, organisation_id: str, user_id: str, display_name: str) -> list[Any]:
        try:
            user = self.repository.get(UserPresence.create_id(organisation_id, user_id))
        except AggregateNotFoundError:
            return [UserPresence(organisation_id=organisation_id, user_id=user_id, display_name=display_name)]
        if user.removed:
            user.reinstate(display_name=display_name)
        return [user]

    def user_updated(self, organisation_id: str, user_id: str, display_name: str) -> list[Any]:
        try:
            user = self._user(organisation_id, user_id)
        except NotFound:
            return []
        user.rename(display_name)
        return [user]

    def user_removed(self, organisation_id: str, user_id: str) -> list[Any]:
        try:
            user = self._user(organisation_id, user_id)
        except NotFound:
            return []
        old = user.location_number
        user.remove()
        changed: list[Any] = [user]
        line = self._line(organisation_id, old) if old else None
        if line is not None:
            line.log_off(user_id)
            changed.append(line)
        return changed

    def user_teams_changed(self, organisation_id: str, user_id: str, teams: list[str]) -> list[Any]:
        try:
            user = self._user(organisation_id, user_id)
        except NotFound:
            return []
        user.make_active_in(teams)
        return [user]

    # -- helpers -------------------------------------------------------------------
    def _update(self, organisation_id: str, user_id: str, change: Callable[[UserPresence], None]) -> None:
        def command() -> list[Any]:
            user = self._user(organisation_id, user_id)
            change(user)
            return [user]

        self.run_command(command, key=f"{organisation_id}/{user_id}")

    def _user(self, organisation_id: str, user_id: str, *, allow_removed: bool = False) -> UserPresence:
        try:
            user = self.repository.get(UserPresence.create_id(organisation_id, user_id))
        except AggregateNotFoundError:
            raise NotFound(f"there is no user {user_id!r} in your organisation") from None
        if user.removed and not allow_removed:
            raise NotFound(f"there is no user {user_id!r} in your organisation")
        return user

    def _delegate(self, organisation_id: str, delegate_id: str) -> UserPresence:
        try:
            return self._user(organisation_id, delegate_id)
        except NotFound:
            raise Invalid(f"the delegate {delegate_id!r} is not a user of your organisation") from None

    def _line(self, organisation_id: str, number: str) -> PhoneLine | None:
        try:
            return self.repository.get(PhoneLine.create_id(organisation_id, number))
        except AggregateNotFoundError:
            return None

    def _country(self, organisation_id: str) -> str:
        try:
            return self.repository.get(Organisation.create_id(organisation_id)).default_country
        except AggregateNotFoundError:
            return self.default_country

    def _policy(self, organisation_id: str) -> tuple[str, list[str]]:
        """The organisation's country and the kinds of number a location may be."""
        try:
            organisation: Organisation = self.repository.get(Organisation.create_id(organisation_id))
        except AggregateNotFoundError:
            return self.default_country, list(DEFAULT_ALLOWED)
        return organisation.default_country, organisation.location_number_kinds


__all__ = ["NUMBER_KINDS", "PresenceApplication"]
