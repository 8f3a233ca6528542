"""Greetings and the name recording (user guide §3.4, §3.9, §5.1, §7.3)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class GreetingKind(StrEnum):
    NAME = "name"
    PERMANENT = "permanent"
    TODAY = "today"
    EXTENDED_ABSENCE = "extended_absence"


class Heard(StrEnum):
    EXTENDED_ABSENCE = "extended_absence"
    TODAY = "today"
    PERMANENT = "permanent"
    DEFAULT_WITH_NAME = "default_with_name"
    DEFAULT_WITH_NUMBER = "default_with_number"


def heard(recorded: set[str], extended_absence: bool) -> Heard:
    """Extended absence when on; else today's if any, else permanent, else the system default."""
    if extended_absence:
        return Heard.EXTENDED_ABSENCE
    if GreetingKind.TODAY in recorded:
        return Heard.TODAY
    if GreetingKind.PERMANENT in recorded:
        return Heard.PERMANENT
    return Heard.DEFAULT_WITH_NAME if GreetingKind.NAME in recorded else Heard.DEFAULT_WITH_NUMBER


def todays_greeting_ends(recorded_at: datetime, time_zone: str) -> datetime:
    """Midnight that follows ``recorded_at`` in the owner's time zone (§5.1.5)."""
    zone = ZoneInfo(time_zone)
    local_day = recorded_at.astimezone(zone).date()
    return datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=zone)
