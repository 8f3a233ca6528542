"""Weekly schedules (beyond the guide): periods that set a user's location and/or availability.

A period starts at ``start`` (wall-clock time in the schedule's time zone) on each of its
``days`` and lasts until the next period starts; the week wraps round. Times are read in
the time zone on the day itself, so a period starting at 09:00 starts at 09:00 local time
on both sides of a daylight-saving change. A start that does not exist that day (the hour
the clocks skip) starts at the same instant as the skipped wall-clock time read with the
offset before the change; a start that happens twice (clocks go back) starts the first time.

The functions are pure and shared: presence switches at the boundaries, routing explains a
call at any time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field

from smartnumbers_contracts.base import Contract, Identifier
from smartnumbers_contracts.presence import Availability, Location


class Day(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


DAYS = list(Day)


class SchedulePeriod(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    days: list[Day] = Field(min_length=1, max_length=7, description="The days this period starts on")
    start: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, local time")
    location: Location | None = Field(default=None, description="The location it selects, if any")
    availability: Availability | None = Field(default=None, description="The availability it sets, if any")

    @property
    def start_time(self) -> time:
        hours, minutes = self.start.split(":")
        return time(int(hours), int(minutes))

    def words(self) -> str:
        said = [w for w in (self.location, self.availability) if w is not None]
        return " and ".join(s.value.replace("_", " ").capitalize() for s in said) or "nothing"


def zone(name: str) -> ZoneInfo:
    """The IANA time zone, or ValueError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone (use an IANA name like Europe/London)") from None


def _boundaries(
    periods: Sequence[SchedulePeriod], tz: ZoneInfo, around: datetime
) -> list[tuple[datetime, int]]:
    local_day: date = around.astimezone(tz).date()
    found = []
    for offset in range(-8, 9):
        day = local_day + timedelta(days=offset)
        for i, period in enumerate(periods):
            if DAYS[day.weekday()] in period.days:
                found.append((datetime.combine(day, period.start_time, tzinfo=tz).astimezone(UTC), i))
    return sorted(found)


def period_at(periods: Sequence[SchedulePeriod], tz: ZoneInfo, at: datetime) -> tuple[datetime, int] | None:
    """(start, index) of the period in force at ``at``: the last start at or before it."""
    before = [b for b in _boundaries(periods, tz, at) if b[0] <= at]
    return before[-1] if before else None


def next_switch(periods: Sequence[SchedulePeriod], tz: ZoneInfo, at: datetime) -> tuple[datetime, int] | None:
    """(start, index) of the first period starting after ``at``."""
    after = [b for b in _boundaries(periods, tz, at) if b[0] > at]
    return after[0] if after else None


def local_words(at: datetime, tz: ZoneInfo) -> str:
    """'Monday 09:00 (Europe/London)'."""
    return f"{at.astimezone(tz):%A %H:%M} ({tz.key})"


class ScheduleChanged(Contract):
    subject = "presence.user.schedule_changed.v1"
    summary = (
        "A user set or cleared their weekly schedule; its periods apply from the next period's start "
        "(the settings in force stay until then). The full new schedule"
    )

    user_id: Identifier
    time_zone: str | None = Field(description="IANA time zone the periods are read in; null: no schedule")
    periods: list[SchedulePeriod] = Field(default_factory=list)


class ScheduleSwitched(Contract):
    subject = "presence.user.schedule_switched.v1"
    summary = (
        "A schedule period started: its location and availability are applied (their own events follow); "
        "a manual change made before it is overridden"
    )

    user_id: Identifier
    period_start: datetime = Field(description="When the period started (UTC)")
    period: int = Field(description="Index of the period in the schedule")
    location: Location | None = None
    availability: Availability | None = None
    skipped: list[str] = Field(default_factory=list, description="What could not be applied, and why")


class OpeningPeriod(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    days: list[Day] = Field(min_length=1, max_length=7)
    opens: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM, local time")
    closes: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$", description="HH:MM, after opens")


class Holiday(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    date: date
    name: str = Field(min_length=1, max_length=80)


class OpeningHoursChanged(Contract):
    subject = "directory.organisation.opening_hours_changed.v1"
    summary = (
        "An administrator set the organisation's opening hours and holidays; teams follow them "
        "(closed: the team's mailbox, or its overflow team). The full new state"
    )

    time_zone: str | None = Field(description="IANA time zone; null: always open")
    hours: list[OpeningPeriod] = Field(default_factory=list)
    holidays: list[Holiday] = Field(default_factory=list)
    overflow: dict[str, str] = Field(
        default_factory=dict, description="Team id → the team that takes its calls while closed"
    )


def closed_because(
    time_zone: str | None, hours: Sequence[OpeningPeriod], holidays: Sequence[Holiday], at: datetime
) -> str | None:
    """Why the organisation is closed at ``at`` (in words), or None when it is open."""
    if time_zone is None or not hours:
        return None
    tz = zone(time_zone)
    local = at.astimezone(tz)
    for holiday in holidays:
        if holiday.date == local.date():
            return f"it is a holiday ({holiday.name}, {local:%A %d %B})"
    clock = local.strftime("%H:%M")
    for period in hours:
        if DAYS[local.weekday()] in period.days and period.opens <= clock < period.closes:
            return None
    return f"it is outside opening hours ({local:%A %H:%M}, {tz.key})"
