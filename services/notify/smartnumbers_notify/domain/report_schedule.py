"""Management information reports (§8.1): which reports an organisation receives, how often, to whom.

A report covers one whole period in the schedule's time zone (yesterday, last week from
Monday, last month) and is sent once the period is over; ``reported`` records the last
period sent, so each period is sent once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eventsourcing.domain import Aggregate, event
from smartnumbers_kit.errors import Invalid

REPORTS = ("calls_per_user", "calls_per_team", "outcomes", "busiest_hours", "time_to_answer")
FREQUENCIES = ("daily", "weekly", "monthly")


def checked(reports: list[str], frequency: str, time_zone: str, recipients: list[str]) -> None:
    unknown = sorted(set(reports) - set(REPORTS))
    if not reports or unknown:
        raise Invalid(
            f"choose reports among {', '.join(REPORTS)}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    if frequency not in FREQUENCIES:
        raise Invalid(f"the frequency is daily, weekly or monthly, not {frequency!r}")
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"{time_zone!r} is not a time zone (e.g. Europe/London)") from None
    bad = [r for r in recipients if "@" not in r]
    if not recipients or bad:
        raise Invalid(
            "give at least one recipient email address"
            + (f"; not addresses: {', '.join(bad)}" if bad else "")
        )


def period_containing(frequency: str, day: date) -> tuple[date, date]:
    """The period (first day, day after the last) that ``day`` belongs to."""
    if frequency == "daily":
        return day, day + timedelta(days=1)
    if frequency == "weekly":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


class ReportSchedule(Aggregate):
    @staticmethod
    def create_id(organisation_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:notify:report-schedule:{organisation_id}")

    @event("Set")
    def __init__(
        self,
        organisation_id: str,
        reports: list[str],
        frequency: str,
        time_zone: str,
        recipients: list[str],
        at: datetime,
    ) -> None:
        self.organisation_id = organisation_id
        self.reports, self.frequency, self.time_zone, self.recipients = (
            reports,
            frequency,
            time_zone,
            recipients,
        )
        self.set_at = at
        self.reported_until: datetime | None = None
        self.stopped = False

    @event("Changed")
    def change(
        self, reports: list[str], frequency: str, time_zone: str, recipients: list[str], at: datetime
    ) -> None:
        self.reports, self.frequency, self.time_zone, self.recipients = (
            reports,
            frequency,
            time_zone,
            recipients,
        )
        self.set_at = at
        self.stopped = False

    @event("Stopped")
    def stop(self, at: datetime) -> None:
        """No more reports (the administrator deleted the schedule); setting one again restarts them."""
        self.stopped = True
        self.set_at = at

    def due(self, now: datetime) -> tuple[datetime, datetime] | None:
        """The last whole period before ``now`` not yet reported and ended after the schedule was set."""
        if self.stopped:
            return None
        zone = ZoneInfo(self.time_zone)
        today = now.astimezone(zone).date()
        current_start, _ = period_containing(self.frequency, today)
        start, end = period_containing(self.frequency, current_start - timedelta(days=1))
        start_at, end_at = local_midnight(start, zone), local_midnight(end, zone)
        if end_at <= self.set_at or (self.reported_until is not None and end_at <= self.reported_until):
            return None
        return start_at, end_at

    @event("Reported")
    def reported(self, period_start: datetime, period_end: datetime, at: datetime) -> None:
        self.reported_until = period_end
