"""What routing knows of the people and teams a call may be for (its read model's rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from smartnumbers_contracts.schedule import SchedulePeriod


@dataclass
class UserView:
    organisation_id: str
    user_id: str
    display_name: str = ""
    smartnumber: str | None = None
    mailbox_number: str | None = None
    """Dialled to reach the mailbox: callers leave a message, the user may sign in (§3.1.1)."""
    location: str = "none"
    location_number: str | None = None
    availability: str = "available"
    delegate_id: str | None = None
    available_for_team_calls: bool = True
    active_in: list[str] = field(default_factory=list)
    call_manager_sessions: int = 0
    call_introduction: str = "off"
    vip_numbers: frozenset[str] = frozenset()
    name_recording: str | None = None
    """Reference of the recorded name (mailbox), when there is one."""
    greeting: str = "system"
    """The greeting callers hear at voicemail: today, permanent or system (the mailbox says which)."""
    extended_absence: bool = False
    removed: bool = False
    numbers: dict[str, str | None] = field(default_factory=dict)
    """The user's kept numbers by kind (desk, mobile, home…), from presence."""
    ring_sequence: tuple[tuple[tuple[str, ...], int], ...] = ()
    time_zone: str | None = None
    schedule: list[SchedulePeriod] = field(default_factory=list)
    """Weekly schedule (beyond the guide): periods setting location and/or availability."""
    schedule_period_start: datetime | None = None
    """Start of the last period presence applied."""
    """Personal ring sequence: (kinds of number rung together, seconds) per step; used while Available."""

    @property
    def reachable(self) -> bool:
        return self.location != "none" and self.location_number is not None


@dataclass
class TeamView:
    organisation_id: str
    team_id: str
    kind: str = "team"
    name: str = ""
    smartnumber: str | None = None
    members: list[str] = field(default_factory=list)
    strategy: str = "all_at_once"
    ring_seconds: int = 20
    max_wait_seconds: int | None = None
    when_nobody_answers: str = "voicemail"
    name_recording: str | None = None
    next_first: int = 0
    """Round robin: the member who rings first next time."""


@dataclass(frozen=True)
class Caller:
    number: str | None
    name: str | None = None
    """The name to announce: the caller's user or contact name, from reverse lookup."""
    name_recording: str | None = None


class Callees(Protocol):
    def owner_of(self, organisation_id: str | None, number: str) -> tuple[str, str, str] | None:
        """(organisation, kind, id) of a number, or None. kind: "user" or "team" for a
        smartnumber; "mailbox" for a user's mailbox number (the id is the user's)."""

    def user(self, organisation_id: str, user_id: str) -> UserView | None: ...

    def team(self, organisation_id: str, team_id: str) -> TeamView | None: ...

    def closed_because(self, organisation_id: str) -> str | None:
        """Why the organisation is closed (opening hours, holidays) at the time asked about, or None."""

    def overflow_team(self, organisation_id: str, team_id: str) -> TeamView | None:
        """The team that takes ``team_id``'s calls while the organisation is closed, if any."""
