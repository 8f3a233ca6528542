"""Bodies of the weekly schedule API (kept apart from schemas.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from smartnumbers_contracts.schedule import SchedulePeriod, local_words, next_switch, period_at, zone

from smartnumbers_presence.domain.user_presence import UserPresence

MAX_PERIODS = 28


class ScheduleBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_zone: str | None = Field(max_length=64, description="IANA time zone, e.g. Europe/London")
    periods: list[SchedulePeriod] = Field(
        max_length=MAX_PERIODS, description="Each lasts until the next starts; empty: no schedule"
    )


class Schedule(BaseModel):
    user_id: str
    time_zone: str | None
    periods: list[SchedulePeriod]
    current_period: int | None = Field(description="The period in force now (index), if any")
    next_switch_at: datetime | None = Field(description="When the next period starts (UTC)")
    overridden: bool = Field(
        description="The settings in force are not the current period's (a manual change, or set before "
        "the schedule): they hold until the next period starts"
    )
    says: str = Field(description="The same, in words")

    @classmethod
    def of(cls, user: UserPresence, now: datetime) -> Schedule:
        periods = [SchedulePeriod(**p) for p in user.schedule]
        if not periods or user.time_zone is None:
            return cls(
                user_id=user.user_id,
                time_zone=user.time_zone,
                periods=[],
                current_period=None,
                next_switch_at=None,
                overridden=False,
                says="No schedule: your location and availability change only when you change them.",
            )
        tz = zone(user.time_zone)
        current = period_at(periods, tz, now)
        upcoming = next_switch(periods, tz, now)
        assert upcoming is not None
        applied = (
            current is not None
            and user.schedule_period_start is not None
            and current[0] == user.schedule_period_start
        )
        overridden = not applied or not _matches(periods[current[1]] if current else None, user)
        then = f"{local_words(upcoming[0], tz)}, when your schedule sets {periods[upcoming[1]].words()}"
        now_words = f"{user.location.capitalize()}, {user.availability.replace('_', ' ').capitalize()}"
        says = (
            f"Your current settings ({now_words}) are your own: they hold until {then}."
            if overridden
            else f"Your schedule set {now_words}; it changes next at {then}."
        )
        return cls(
            user_id=user.user_id,
            time_zone=user.time_zone,
            periods=periods,
            current_period=current[1] if current else None,
            next_switch_at=upcoming[0],
            overridden=overridden,
            says=says,
        )


def _matches(period: SchedulePeriod | None, user: UserPresence) -> bool:
    if period is None:
        return False
    return (period.location is None or period.location == user.location) and (
        period.availability is None or period.availability == user.availability
    )
