"""Explain mode with weekly schedules: "now" (a manual change holds until the next period) and
"at 19:00 on Saturday", in the callee's time zone, across a daylight-saving change in two zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from smartnumbers_contracts import routing as wire
from smartnumbers_contracts.schedule import SchedulePeriod
from smartnumbers_routing.planner import Planner

from services.routing.tests.world import LUCY, MOBILES, NUMBERS, World

DESK = "+441632960110"
WEEK = [
    SchedulePeriod(
        days=["mon", "tue", "wed", "thu", "fri"], start="09:00", location="desk", availability="available"
    ),
    SchedulePeriod(days=["mon", "tue", "wed", "thu", "fri"], start="17:30", location="mobile"),
    SchedulePeriod(days=["sat"], start="00:00", availability="voicemail"),
]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def explain(world: World, at: datetime, now: datetime) -> wire.RoutingPlan:
    request = wire.PlanRequest(call_id="explain", dialled=NUMBERS["adam"], caller_number=LUCY, at=at)
    return Planner(world.view).explain_at(request, now)


def adam(tz: str, since: datetime | None, **settings) -> World:
    return (
        World()
        .user("adam", **settings)
        .numbers("adam", desk=DESK, mobile=MOBILES["adam"])
        .schedule("adam", tz, WEEK, since=since)
    )


def first(plan: wire.RoutingPlan) -> tuple[str, list[str]]:
    return plan.steps[0].kind.value, plan.steps[0].targets


def test_at_19_00_on_saturday_the_weekend_period_sends_calls_to_voicemail():
    # Friday 27 November 2026, 11:00 in London; the schedule's 09:00 period was applied.
    now = utc(2026, 11, 27, 11)
    world = adam("Europe/London", since=utc(2026, 11, 27, 9), location="mobile")
    plan = explain(world, at=utc(2026, 11, 28, 19), now=now)
    assert first(plan) == ("voicemail", [])
    assert plan.reasons[0] == (
        "At Saturday 19:00 (Europe/London), your schedule's period from Saturday 00:00 sets Voicemail (schedule)."
    )
    assert plan.rules[:2] == ["schedule", "§3.6.2 voicemail"]
    # Monday 10:00: the desk rings.
    plan = explain(world, at=utc(2026, 11, 30, 10), now=now)
    assert first(plan) == ("ring", [DESK])


def test_now_a_manual_change_holds_until_the_next_period_and_explain_mode_says_so():
    now = utc(2026, 11, 27, 11)
    # The 09:00 period was applied; Adam then chose Mobile and No messages by hand.
    world = adam("Europe/London", since=utc(2026, 11, 27, 9), location="mobile", availability="no_messages")
    world.view.user("acme", "adam").schedule_period_start = utc(2026, 11, 26, 17, 30)  # an older period
    plan = explain(world, at=now, now=now)
    assert first(plan) == ("ring", [MOBILES["adam"]])
    assert plan.reasons[0] == (
        "Your own settings hold until Friday 17:30 (Europe/London), when your schedule sets Mobile (schedule)."
    )
    # The 09:00 period was applied (Desk, Available) and Adam then chose No messages by hand.
    world = adam("Europe/London", since=utc(2026, 11, 27, 9), location="desk", availability="no_messages")
    assert explain(world, at=now, now=now).reasons[0].startswith("Your own settings hold until Friday 17:30")
    # Following the schedule: no note.
    world = adam("Europe/London", since=utc(2026, 11, 27, 9), location="desk")
    assert explain(world, at=now, now=now).rules == ["§3.6 available"]


@pytest.mark.parametrize(
    ("tz", "saturday_0000", "monday_0830", "monday_0930"),
    [
        # London leaves BST on Sunday 25 October 2026, New York leaves EDT on Sunday 1 November.
        ("Europe/London", utc(2026, 10, 23, 23), utc(2026, 10, 26, 8, 30), utc(2026, 10, 26, 9, 30)),
        ("America/New_York", utc(2026, 10, 31, 4), utc(2026, 11, 2, 13, 30), utc(2026, 11, 2, 14, 30)),
    ],
)
def test_monday_09_00_is_local_time_after_the_clocks_go_back(tz, saturday_0000, monday_0830, monday_0930):
    world = adam(tz, since=saturday_0000, availability="voicemail")
    saturday_noon = saturday_0000 + timedelta(hours=12)
    # 08:30 on Monday local time is after 09:00 at the summer offset: still the weekend's voicemail,
    # as the schedule set it (no note: nothing overrides it).
    plan = explain(world, at=monday_0830, now=saturday_noon)
    assert first(plan) == ("voicemail", [])
    assert plan.rules == ["§3.6.2 voicemail"]
    plan = explain(world, at=monday_0830.replace(hour=monday_0830.hour - 1), now=saturday_noon)
    assert plan.rules == ["§3.6.2 voicemail"]
    plan = explain(world, at=monday_0930, now=saturday_noon)
    assert first(plan) == ("ring", [DESK])
    assert plan.reasons[0].startswith(f"At Monday 09:30 ({tz}), your schedule's period from Monday 09:00")


def test_a_delegates_schedule_is_followed_and_named():
    now = utc(2026, 11, 27, 11)
    world = (
        World()
        .user("adam", availability="delegate", delegate="bob")
        .user("bob")
        .schedule("bob", "America/New_York", WEEK, since=utc(2026, 11, 27, 14))
    )
    plan = explain(world, at=utc(2026, 11, 28, 12), now=now)
    assert first(plan) == ("voicemail", [])
    assert plan.steps[0].mailbox == "bob"
    assert any(r.startswith("At Saturday 07:00 (America/New_York), Bob's schedule") for r in plan.reasons)
