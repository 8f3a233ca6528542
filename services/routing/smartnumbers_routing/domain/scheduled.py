"""Who a call finds at a given time: users' weekly schedules laid over their settings.

Until the next period starts, a user's settings are what they are now (a manual change holds
until then); from the next period on, the schedule's period in force at that time sets the
location and/or availability. ``notes`` say so, in the callee's words, for explain mode and
the record of why.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from smartnumbers_contracts.schedule import SchedulePeriod, local_words, next_switch, period_at, zone

from smartnumbers_routing.domain.callees import Callees, TeamView, UserView


@dataclass
class ScheduledCallees:
    callees: Callees
    at: datetime
    now: datetime
    notes: dict[str, str] = field(default_factory=dict)
    """User id → what the schedule does to their calls at ``at``."""

    def owner_of(self, organisation_id: str | None, number: str) -> tuple[str, str, str] | None:
        return self.callees.owner_of(organisation_id, number)

    def team(self, organisation_id: str, team_id: str) -> TeamView | None:
        return self.callees.team(organisation_id, team_id)

    def closed_because(self, organisation_id: str) -> str | None:
        closed_at = getattr(self.callees, "closed_at", None)
        return (
            closed_at(organisation_id, self.at) if closed_at else self.callees.closed_because(organisation_id)
        )

    def overflow_team(self, organisation_id: str, team_id: str) -> TeamView | None:
        return self.callees.overflow_team(organisation_id, team_id)

    def user(self, organisation_id: str, user_id: str) -> UserView | None:
        user = self.callees.user(organisation_id, user_id)
        if user is None or not user.schedule or user.time_zone is None:
            return user
        tz = zone(user.time_zone)
        upcoming = next_switch(user.schedule, tz, self.now)
        if upcoming is None:
            return user
        when = local_words(upcoming[0], tz)
        sets = user.schedule[upcoming[1]].words()
        if self.at < upcoming[0]:
            current = period_at(user.schedule, tz, self.now)
            applied = (
                current is not None
                and current[0] == user.schedule_period_start
                and _follows(user.schedule[current[1]], user)
            )
            if not applied:
                self.notes[user_id] = (
                    f"{{Your}} own settings hold until {when}, when {{your}} schedule sets {sets} (schedule)."
                )
            return user
        start, index = period_at(user.schedule, tz, self.at) or upcoming
        period = user.schedule[index]
        changed = replace(user)
        if period.availability is not None:
            changed.availability = period.availability.value
        if period.location is not None:
            number = None if period.location.value == "none" else user.numbers.get(period.location.value)
            if period.location.value == "none" or number is not None:
                changed.location, changed.location_number = period.location.value, number
        self.notes[user_id] = (
            f"At {local_words(self.at, tz)}, {{your}} schedule's period from {start.astimezone(tz):%A %H:%M} "
            f"sets {period.words()} (schedule)."
        )
        return changed

    def said(self, user_id: str, whose: str) -> str:
        """The note for ``user_id``, as ``whose`` ("your" or "Bob's")."""
        return self.notes[user_id].replace("{Your}", whose[0].upper() + whose[1:]).replace("{your}", whose)


def _follows(period: SchedulePeriod, user: UserView) -> bool:
    """The user's settings are what ``period`` set (no manual change since)."""
    return (period.location is None or period.location.value == user.location) and (
        period.availability is None or period.availability.value == user.availability
    )
