"""Teams follow the organisation's opening hours and holidays: closed → the team's greeting and
mailbox, or its overflow team; explain mode answers at any time, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from smartnumbers_contracts import routing as wire
from smartnumbers_contracts.schedule import Holiday, OpeningPeriod
from smartnumbers_routing.planner import Planner

from services.routing.tests.world import LUCY, MOBILES, World

SALES = "+441632960999"
NIGHT = "+441632960998"
WEEKDAYS = [OpeningPeriod(days=["mon", "tue", "wed", "thu", "fri"], opens="09:00", closes="17:30")]
CHRISTMAS = Holiday(date=date(2026, 12, 25), name="Christmas Day")
NOW = datetime(2026, 11, 27, 8, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def sales(tz: str = "Europe/London", **overflow: str) -> World:
    world = World().user("adam", teams=("sales",)).user("bob", teams=("sales", "night"))
    world.team("sales", ["adam", "bob"]).team("night", ["bob"], number=NIGHT)
    return world.opening_hours(tz, WEEKDAYS, [CHRISTMAS], **overflow)


def explain(world: World, at: datetime, to: str = SALES) -> wire.RoutingPlan:
    request = wire.PlanRequest(call_id="explain", dialled=to, caller_number=LUCY, at=at)
    return Planner(world.view).explain_at(request, NOW)


def walk(plan: wire.RoutingPlan) -> list[tuple[str, list[str], str | None]]:
    return [(s.kind.value, s.targets, s.mailbox) for s in plan.steps]


def test_open_on_a_weekday_the_team_rings_as_usual():
    plan = explain(sales(), utc(2026, 11, 27, 10))
    assert walk(plan)[0] == ("ring", [MOBILES["adam"], MOBILES["bob"]], None)
    assert not any("closed" in r for r in plan.reasons)


def test_at_19_00_on_saturday_callers_hear_the_teams_greeting_and_may_leave_a_message():
    plan = explain(sales(), utc(2026, 11, 28, 19))
    assert walk(plan) == [("voicemail", [], "team:sales")]
    assert plan.reasons == [
        "Sales is closed because it is outside opening hours (Saturday 19:00, Europe/London): "
        "callers hear the team's greeting and may leave a message (opening hours)."
    ]
    assert plan.rules == ["opening hours: closed"]


def test_on_a_holiday_the_team_is_closed_all_day():
    plan = explain(sales(), utc(2026, 12, 25, 11))
    assert walk(plan) == [("voicemail", [], "team:sales")]
    assert "it is a holiday (Christmas Day, Friday 25 December)" in plan.reasons[0]


def test_while_closed_the_overflow_team_takes_the_calls_whatever_the_hours():
    plan = explain(sales(sales="night"), utc(2026, 11, 28, 19))
    assert walk(plan) == [("ring", [MOBILES["bob"]], None), ("voicemail", [], "team:night")]
    assert plan.call_for == "sales"
    assert plan.reasons[0].endswith("its calls go to Night (opening hours).")
    assert plan.rules[0] == "opening hours: closed, overflow team"


def test_users_calls_do_not_follow_the_organisations_hours():
    plan = explain(sales(), utc(2026, 11, 28, 19), to="+441632960100")
    assert walk(plan)[0] == ("ring", [MOBILES["adam"]], None)


@pytest.mark.parametrize(
    ("tz", "monday_0830", "monday_0930"),
    [
        ("Europe/London", utc(2026, 10, 26, 8, 30), utc(2026, 10, 26, 9, 30)),
        ("America/New_York", utc(2026, 11, 2, 13, 30), utc(2026, 11, 2, 14, 30)),
    ],
)
def test_opening_at_09_00_local_after_the_clocks_go_back(tz, monday_0830, monday_0930):
    # 08:30 local, which the summer offset would have read as 09:30: still closed.
    assert walk(explain(sales(tz), monday_0830)) == [("voicemail", [], "team:sales")]
    assert walk(explain(sales(tz), monday_0930))[0][0] == "ring"
