"""Weekly schedules: periods switch location and availability at their start, in the user's time
zone, across a daylight-saving change (two time zones); a manual change holds until the next
period; the clock is moved, never slept on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from smartnumbers_contracts.schedule import SchedulePeriod
from smartnumbers_kit.errors import Invalid
from smartnumbers_presence.domain.availability import Availability
from smartnumbers_presence.domain.location import Location
from smartnumbers_presence.http.schedule_schemas import Schedule
from smartnumbers_presence.schedule_watch import ScheduleWatch

from services.presence.tests.enrolment import enrol

WORKING_WEEK = [
    SchedulePeriod(
        days=["mon", "tue", "wed", "thu", "fri"], start="09:00", location="desk", availability="available"
    ),
    SchedulePeriod(days=["mon", "tue", "wed", "thu", "fri"], start="17:30", location="mobile"),
    SchedulePeriod(days=["sat"], start="00:00", availability="voicemail"),
]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# The Friday before the clocks go back, and the Monday after, in UTC: London leaves BST on
# 25 October 2026, New York leaves EDT on 1 November 2026.
ZONES = [
    pytest.param(
        "Europe/London",
        dict(
            set_at=utc(2026, 10, 23, 12), fri_1730=utc(2026, 10, 23, 16, 30), sat_0000=utc(2026, 10, 23, 23)
        ),
        dict(mon_0900_old_offset=utc(2026, 10, 26, 8), mon_0900=utc(2026, 10, 26, 9)),
        id="Europe/London",
    ),
    pytest.param(
        "America/New_York",
        dict(set_at=utc(2026, 10, 30, 15), fri_1730=utc(2026, 10, 30, 21, 30), sat_0000=utc(2026, 10, 31, 4)),
        dict(mon_0900_old_offset=utc(2026, 11, 2, 13), mon_0900=utc(2026, 11, 2, 14)),
        id="America/New_York",
    ),
]


@pytest.mark.parametrize(("tz", "before", "after"), ZONES)
def test_a_working_week_switches_at_local_times_across_the_clocks_going_back(presence, tz, before, after):
    enrol(presence, "acme", "alice")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001", "mobile": "07700 900001"})
    clock = Clock(before["set_at"])
    watch = ScheduleWatch(presence, clock)
    presence.set_schedule("acme", "alice", tz, WORKING_WEEK, clock())
    watch.scheduled("acme", "alice", True)

    def now(at: datetime) -> tuple[str, str]:
        clock.now = at
        watch.tick()
        alice = presence.presence_of("acme", "alice")
        return alice.location, alice.availability

    # Setting a schedule changes nothing until the next period starts.
    assert now(before["set_at"]) == ("none", "available")
    assert Schedule.of(presence.presence_of("acme", "alice"), clock()).next_switch_at == before["fri_1730"]
    assert now(before["fri_1730"]) == ("mobile", "available")
    assert now(before["sat_0000"]) == ("mobile", "voicemail")
    # Monday 09:00 local is an hour later in UTC than before the change: nothing at the old offset.
    assert now(after["mon_0900_old_offset"]) == ("mobile", "voicemail")
    assert now(after["mon_0900"]) == ("desk", "available")
    # Each switch happens once.
    version = presence.presence_of("acme", "alice").version
    assert watch.tick() == 0 and presence.presence_of("acme", "alice").version == version


def test_a_manual_change_holds_until_the_next_period_starts_and_the_api_says_so(presence):
    enrol(presence, "acme", "alice")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001", "mobile": "07700 900001"})
    clock = Clock(utc(2026, 11, 30, 8))  # Monday 08:00 in London
    watch = ScheduleWatch(presence, clock)
    presence.set_schedule("acme", "alice", "Europe/London", WORKING_WEEK, clock())
    watch.scheduled("acme", "alice", True)
    clock.now = utc(2026, 11, 30, 9)
    assert watch.tick() == 1
    said = Schedule.of(presence.presence_of("acme", "alice"), clock())
    assert (said.current_period, said.overridden) == (0, False)
    assert (
        said.says == "Your schedule set Desk, Available; it changes next at Monday 17:30 (Europe/London), "
        "when your schedule sets Mobile."
    )
    # At 10:00 Alice goes mobile by hand: it holds at 12:00, and ends at 17:30.
    presence.select_location("acme", "alice", Location.MOBILE)
    presence.set_availability("acme", "alice", Availability.NO_MESSAGES)
    clock.now = utc(2026, 11, 30, 12)
    assert watch.tick() == 0
    said = Schedule.of(presence.presence_of("acme", "alice"), clock())
    assert said.overridden is True
    assert said.says.startswith(
        "Your current settings (Mobile, No messages) are your own: they hold until Monday 17:30"
    )
    clock.now = utc(2026, 11, 30, 17, 30)
    assert watch.tick() == 1
    alice = presence.presence_of("acme", "alice")
    assert (alice.location, alice.availability) == ("mobile", "no_messages")  # the period sets only Mobile


def test_a_watch_started_later_recovers_who_has_a_schedule_and_applies_only_the_last_missed_period(presence):
    enrol(presence, "acme", "alice")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001", "mobile": "07700 900001"})
    presence.set_schedule("acme", "alice", "Europe/London", WORKING_WEEK, utc(2026, 11, 30, 8))
    clock = Clock(utc(2026, 12, 5, 12))  # Saturday: Monday to Friday's periods were missed
    watch = ScheduleWatch(presence, clock)
    watch.recover()
    assert watch.tick() == 1
    alice = presence.presence_of("acme", "alice")
    assert (alice.location, alice.availability, alice.schedule_period_start) == (
        "none",
        "voicemail",
        utc(2026, 12, 5, 0),
    )


@pytest.mark.parametrize(
    ("tz", "periods", "words"),
    [
        ("Mars/Olympus", WORKING_WEEK, "'Mars/Olympus' is not a time zone"),
        (None, WORKING_WEEK, "a schedule needs its time zone"),
        (
            "Europe/London",
            [SchedulePeriod(days=["mon"], start="09:00", location="home")],
            "you have no home number",
        ),
        (
            "Europe/London",
            [SchedulePeriod(days=["mon"], start="09:00", location="temporary")],
            "not temporary",
        ),
        (
            "Europe/London",
            [SchedulePeriod(days=["mon"], start="09:00", availability="delegate")],
            "choose a delegate before scheduling Delegate",
        ),
    ],
)
def test_a_schedule_is_refused_with_what_was_wrong(presence, tz, periods, words):
    enrol(presence, "acme", "alice")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001"})
    before = presence.presence_of("acme", "alice").version
    with pytest.raises(Invalid, match=words):
        presence.set_schedule("acme", "alice", tz, periods, utc(2026, 11, 30))
    assert presence.presence_of("acme", "alice").version == before


def test_the_switch_goes_on_the_bus_as_schedule_switched_then_the_location_and_availability(presence):
    from smartnumbers_presence.publishing import PresenceContracts

    enrol(presence, "acme", "alice")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001", "mobile": "07700 900001"})
    presence.set_schedule("acme", "alice", "Europe/London", WORKING_WEEK, utc(2026, 11, 30, 8))
    clock = Clock(utc(2026, 11, 30, 9))
    watch = ScheduleWatch(presence, clock)
    watch.scheduled("acme", "alice", True)
    start = presence.recorder.max_notification_id()
    assert watch.tick() == 1
    to_contracts = PresenceContracts(presence)
    published = [
        c
        for n in presence.recorder.select_notifications(start, 100, inclusive_of_start=False)
        for c in to_contracts(presence.mapper.to_domain_event(n))
    ]
    subjects = [c.subject for c in published]
    assert subjects == [
        "presence.user.schedule_switched.v1",
        "presence.user.location_changed.v1",
        "presence.user.availability_changed.v1",
    ]
    switched, location = published[0], published[1]
    assert (switched.user_id, switched.period, switched.period_start) == ("alice", 0, utc(2026, 11, 30, 9))
    assert (location.location, location.number, location.cause) == ("desk", "+441632960001", "schedule")


def test_the_watch_looks_at_a_user_again_only_when_their_next_period_starts(presence, monkeypatch):
    enrol(presence, "acme", "alice")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001", "mobile": "07700 900001"})
    presence.set_schedule("acme", "alice", "Europe/London", WORKING_WEEK, utc(2026, 11, 30, 8))
    clock = Clock(utc(2026, 11, 30, 8, 30))
    watch = ScheduleWatch(presence, clock)
    watch.recover()
    looked: list[datetime] = []
    switch = presence.switch_schedule_if_due
    monkeypatch.setattr(
        presence, "switch_schedule_if_due", lambda o, u, now: looked.append(now) or switch(o, u, now)
    )
    for minute in (30, 45, 59):  # before Monday 09:00: looked at once, then remembered
        clock.now = utc(2026, 11, 30, 8, minute)
        watch.tick()
    assert looked == [utc(2026, 11, 30, 8, 30)]
    clock.now = utc(2026, 11, 30, 9)
    assert watch.tick() == 1
    # A new schedule is looked at on the next sweep.
    presence.set_schedule("acme", "alice", "Europe/London", WORKING_WEEK[:1], clock())
    watch.scheduled("acme", "alice", True)
    clock.now = utc(2026, 11, 30, 9, 1)
    watch.tick()
    assert looked[-1] == utc(2026, 11, 30, 9, 1)


def test_two_replicas_sweeping_at_once_switch_a_period_once_and_either_switches_alone(presence):
    """Two presence replicas (two applications on one store, each with its watch). Replica b
    learns from the log the schedule set through replica a. At the period start both sweep; b's
    save is made to land just after a's: it conflicts, runs again on fresh state and finds the
    period applied — one ScheduleSwitched. At the next period a is gone: b switches alone."""
    from smartnumbers_kit.store import persistence_env
    from smartnumbers_presence.application import PresenceApplication
    from smartnumbers_presence.settings import PresenceSettings

    other = PresenceApplication(persistence_env(PresenceSettings(), "presence"))
    try:
        clock = Clock(utc(2026, 11, 30, 8))
        a, b = ScheduleWatch(presence, clock), ScheduleWatch(other, clock)
        b.recover()  # b started first, when nobody had a schedule
        enrol(presence, "acme", "alice")
        presence.change_numbers("acme", "alice", {"desk": "01632 960001", "mobile": "07700 900001"})
        presence.set_schedule("acme", "alice", "Europe/London", WORKING_WEEK, clock())
        a.scheduled("acme", "alice", True)  # the schedule was set through replica a's API

        # 1. Monday 09:00: b decides to switch; a's switch is saved first; b's save conflicts.
        clock.now = utc(2026, 11, 30, 9)
        save, a_switched = other.save, []

        def save_after_a(*aggregates, **kwargs):
            if not a_switched:
                a_switched.append(a.tick())
            return save(*aggregates, **kwargs)

        other.save = save_after_a  # type: ignore[method-assign]
        assert b.tick() == 0, "b switched a period a had switched"
        assert a_switched == [1]
        other.save = save  # type: ignore[method-assign]
        switches = [
            n
            for n in presence.recorder.select_notifications(None, 500)
            if n.topic.endswith("ScheduleSwitched")
        ]
        assert len(switches) == 1
        assert presence.presence_of("acme", "alice").location == "desk"

        # 2. Monday 17:30: replica a is gone; b switches alone, once.
        clock.now = utc(2026, 11, 30, 17, 30)
        assert b.tick() == 1
        assert b.tick() == 0
        alice = other.presence_of("acme", "alice")
        assert (alice.location, alice.schedule_period_start) == ("mobile", utc(2026, 11, 30, 17, 30))
    finally:
        other.close()
