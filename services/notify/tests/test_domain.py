"""The pure parts: a delivery's life, SMS lengths, SMS limits, the templates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from smartnumbers_notify.domain.delivery import Delivery, Status
from smartnumbers_notify.domain.sms_limits import SmsLimits
from smartnumbers_notify.domain.sms_text import check_length, parts_needed
from smartnumbers_notify.templates import Templates, local_time

T0 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def delivery(command_id: str = "c1") -> Delivery:
    return Delivery("acme", "alice", command_id, "sms", "+447700900123", "sms", {"text": "hi"}, T0)


def test_one_delivery_per_command_channel_and_address():
    assert delivery("c1").id == delivery("c1").id != delivery("c2").id
    assert Delivery.create_id("c1", "sms", "+447700900123") == delivery("c1").id


def test_transient_failures_back_off_then_give_up_after_the_last_try():
    d = delivery()
    for attempt, wait in ((1, 1), (2, 5)):
        d.start_attempt(T0)
        d.attempt_failed(T0, "503 queue full", [1.0, 5.0], max_attempts=3)
        assert (d.status, d.attempts, d.next_attempt_at) == (
            Status.RETRYING,
            attempt,
            T0 + timedelta(seconds=wait),
        )
        assert d.pending
    d.start_attempt(T0)
    d.attempt_failed(T0, "503 queue full", [1.0, 5.0], max_attempts=3)
    assert d.status == Status.FAILED and d.error == "503 queue full (gave up after 3 tries)" and not d.pending


def test_sms_parts_gsm_and_ucs2():
    assert parts_needed("x" * 160) == 1 and parts_needed("x" * 161) == 2 and parts_needed("x" * 306) == 2
    assert parts_needed("€" * 80) == 1  # GSM extension characters count twice: 160
    assert (
        parts_needed("😀" * 35) == 1 and parts_needed("😀" * 36) == 2
    )  # UCS-2: 70 units, a surrogate pair each
    assert check_length("x" * 700, 4) == "the text needs 5 SMS parts (700 characters); at most 4 are sent"
    assert check_length("  ", 4) == "the text is empty"
    assert check_length("hello", 1) is None


def test_sms_limits_per_user_and_per_organisation_over_a_sliding_minute():
    limits = SmsLimits(per_user=2, per_organisation=3)
    assert limits.refusal("acme", "alice", T0) is None
    assert limits.refusal("acme", "alice", T0) is None
    assert "alice already sent 2 SMS" in (limits.refusal("acme", "alice", T0) or "")
    assert limits.refusal("acme", "bob", T0) is None
    assert "organisation already sent 3 SMS" in (limits.refusal("acme", "carol", T0) or "")
    assert limits.refusal("other", "alice", T0) is None
    assert limits.refusal("acme", "alice", T0 + timedelta(seconds=61)) is None


def test_templates_say_the_time_in_the_users_time_zone(tmp_path):
    assert local_time(T0, "America/New_York") == "04:00 on 29 November 2026"
    assert local_time(T0, "Not/AZone") == "09:00 on 29 November 2026"
    context = {
        "at": T0,
        "caller": "+447700900666",
        "team": None,
        "ring_seconds": "10",
        "time_zone": "Europe/Paris",
    }
    assert Templates().render("lost_call.sms.j2", **context) == (
        "Lost call: +447700900666 called at 10:00 on 29 November 2026 "
        "and hung up after 10s before reaching voicemail."
    )
    # An operator's own wording replaces the shipped file of the same name.
    (tmp_path / "lost_call.sms.j2").write_text("Missed {{ caller }}")
    assert Templates(tmp_path).render("lost_call.sms.j2", **context) == "Missed +447700900666"


def test_a_report_is_due_for_the_last_whole_period_after_it_ends_and_once():
    from zoneinfo import ZoneInfo

    from smartnumbers_notify.domain.report_schedule import ReportSchedule

    paris = ZoneInfo("Europe/Paris")
    set_at = datetime(2026, 11, 25, 12, 0, tzinfo=paris)  # a Wednesday
    weekly = ReportSchedule("acme", ["outcomes"], "weekly", "Europe/Paris", ["boss@example.com"], set_at)
    assert weekly.due(datetime(2026, 11, 29, 23, 59, tzinfo=paris)) is None  # this week is not over
    start, end = weekly.due(datetime(2026, 11, 30, 0, 1, tzinfo=paris))
    assert (start, end) == (datetime(2026, 11, 23, tzinfo=paris), datetime(2026, 11, 30, tzinfo=paris))
    weekly.reported(start, end, set_at)
    assert weekly.due(datetime(2026, 12, 6, 12, 0, tzinfo=paris)) is None
    monthly = ReportSchedule("acme", ["outcomes"], "monthly", "Europe/Paris", ["boss@example.com"], set_at)
    assert monthly.due(datetime(2026, 12, 1, 0, 0, 1, tzinfo=paris)) == (
        datetime(2026, 11, 1, tzinfo=paris),
        datetime(2026, 12, 1, tzinfo=paris),
    )
    # A day across the change to summer time is 23 hours long, midnight to midnight.
    daily = ReportSchedule(
        "acme", ["outcomes"], "daily", "Europe/London", ["b@example.com"], T0.replace(month=3, day=1)
    )
    start, end = daily.due(datetime(2027, 3, 29, 0, 30, tzinfo=UTC))
    assert (
        end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=23) and start.astimezone(UTC).hour == 0
    )


def test_stopped_reports_are_never_due_until_a_schedule_is_set_again():
    from zoneinfo import ZoneInfo

    from smartnumbers_notify.domain.report_schedule import ReportSchedule

    paris = ZoneInfo("Europe/Paris")
    set_at = datetime(2026, 11, 25, 12, 0, tzinfo=paris)
    daily = ReportSchedule("acme", ["outcomes"], "daily", "Europe/Paris", ["boss@example.com"], set_at)
    daily.stop(datetime(2026, 11, 25, 13, 0, tzinfo=paris))
    assert daily.stopped and daily.due(datetime(2026, 11, 27, 1, 0, tzinfo=paris)) is None
    # Set again on the 27th: only days ending after that are reported, not the ones it was stopped for.
    daily.change(
        ["outcomes"],
        "daily",
        "Europe/Paris",
        ["boss@example.com"],
        datetime(2026, 11, 27, 9, 0, tzinfo=paris),
    )
    assert not daily.stopped
    assert daily.due(datetime(2026, 11, 27, 23, 0, tzinfo=paris)) is None
    assert daily.due(datetime(2026, 11, 28, 0, 1, tzinfo=paris)) == (
        datetime(2026, 11, 27, tzinfo=paris),
        datetime(2026, 11, 28, tzinfo=paris),
    )
