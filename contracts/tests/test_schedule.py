"""Weekly schedule arithmetic at the edges of daylight saving (shared by presence and routing)."""

from __future__ import annotations

from datetime import UTC, datetime

from smartnumbers_contracts.schedule import SchedulePeriod, next_switch, period_at, zone

LONDON = zone("Europe/London")
NEW_YORK = zone("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_start_in_the_skipped_hour_starts_at_that_wall_clock_time_read_before_the_change():
    # London skips 01:00-02:00 on Sunday 29 March 2026: 01:30 is read as 01:30 GMT (02:30 BST).
    periods = [SchedulePeriod(days=["sun"], start="01:30", availability="voicemail")]
    assert next_switch(periods, LONDON, utc(2026, 3, 29, 0)) == (utc(2026, 3, 29, 1, 30), 0)
    # New York skips 02:00-03:00 on Sunday 8 March 2026: 02:30 is read as 02:30 EST (03:30 EDT).
    periods = [SchedulePeriod(days=["sun"], start="02:30", availability="voicemail")]
    assert next_switch(periods, NEW_YORK, utc(2026, 3, 8, 0)) == (utc(2026, 3, 8, 7, 30), 0)


def test_a_start_in_the_repeated_hour_starts_the_first_time():
    # London repeats 01:00-02:00 on Sunday 25 October 2026: 01:30 BST is 00:30 UTC.
    periods = [SchedulePeriod(days=["sun"], start="01:30", availability="voicemail")]
    assert next_switch(periods, LONDON, utc(2026, 10, 25, 0)) == (utc(2026, 10, 25, 0, 30), 0)


def test_the_week_wraps_round_and_a_period_lasts_until_the_next_starts():
    periods = [
        SchedulePeriod(days=["mon"], start="09:00", location="desk"),
        SchedulePeriod(days=["fri"], start="17:00", location="mobile"),
    ]
    # Sunday: still Friday's period; the next start is Monday 09:00 (GMT in winter).
    assert period_at(periods, LONDON, utc(2026, 11, 29, 12)) == (utc(2026, 11, 27, 17), 1)
    assert next_switch(periods, LONDON, utc(2026, 11, 29, 12)) == (utc(2026, 11, 30, 9), 0)
