"""The record of why: the plan a call followed, laid over what happened at each of its steps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from smartnumbers_routing.domain.call_record import CallRecord
from smartnumbers_routing.domain.call_routing import differences, what_happened
from smartnumbers_routing.domain.callees import Caller
from smartnumbers_routing.domain.decide import decide
from smartnumbers_routing.planner import to_wire

from services.routing.tests.world import LUCY, MOBILES, NUMBERS, World

DESK = "+441632960110"
T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def sequence_plan() -> dict:
    world = (
        World()
        .user("adam")
        .numbers("adam", desk=DESK, mobile=MOBILES["adam"])
        .sequence("adam", (("desk",), 10), (("desk", "mobile"), 20))
    )
    return to_wire(decide(world.view, NUMBERS["adam"], Caller(LUCY)).plan, "c1").model_dump(mode="json")


def record() -> CallRecord:
    return CallRecord(
        organisation_id="acme",
        call_id="c1",
        direction="inbound",
        caller_number=LUCY,
        caller_user_id=None,
        dialled=NUMBERS["adam"],
        intended_user_id="adam",
        intended_team_id=None,
        started_at=T0,
    )


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def outcomes(steps) -> list[tuple[int, str, tuple[str, ...], float | None]]:
    return [(s.step, s.outcome, s.rang, s.seconds) for s in steps]


def test_desk_unanswered_for_10_s_then_the_mobile_answers_in_the_second_step():
    r = record()
    r.ring(user_id="adam", number=DESK, at=at(1))
    r.ring(user_id="adam", number=MOBILES["adam"], at=at(11))  # the desk rings on: no new event
    r.answer(user_id="adam", number=MOBILES["adam"], at=at(15))
    r.end(hung_up_by="callee", cause="Normal Clearing", at=at(60))
    assert outcomes(what_happened(sequence_plan(), r)) == [
        (1, "not answered", (DESK,), 10.0),
        (2, "answered", (MOBILES["adam"],), 4.0),
        (3, "not reached", (), None),
    ]


def test_nobody_answers_and_the_caller_leaves_a_message():
    r = record()
    r.ring(user_id="adam", number=DESK, at=at(1))
    r.ring(user_id="adam", number=MOBILES["adam"], at=at(11))
    r.leave_voicemail(mailbox="adam", at=at(31))
    r.end(hung_up_by="caller", cause="Normal Clearing", at=at(50))
    assert [s.outcome for s in what_happened(sequence_plan(), r)] == [
        "not answered",
        "not answered",
        "message left",
    ]


def test_the_caller_hangs_up_in_the_first_step():
    r = record()
    r.ring(user_id="adam", number=DESK, at=at(1))
    r.end(hung_up_by="caller", cause="Normal Clearing", at=at(4))
    assert outcomes(what_happened(sequence_plan(), r)) == [
        (1, "not answered", (DESK,), 3.0),
        (2, "not reached", (), None),
        (3, "not reached", (), None),
    ]


def test_a_plan_without_its_call_events_yet_is_all_not_reached():
    assert {s.outcome for s in what_happened(sequence_plan(), None)} == {"not reached"}


def test_replaying_against_todays_settings_says_what_differs():
    then = sequence_plan()
    today = to_wire(
        decide(World().user("adam", availability="voicemail").view, NUMBERS["adam"], Caller(LUCY)).plan, "c1"
    ).model_dump(mode="json")
    said = differences(then, today)
    assert said[0].startswith("The steps differ: then ring +441632960110 10 s, then ring")
    assert "today voicemail (adam)" in said[0]
    assert said[1] == "Other rules decide: then §3.6 available: ring sequence; today §3.6.2 voicemail."
    assert differences(then, then) == []


def test_plans_are_kept_in_batches_off_the_replys_path_and_a_call_planned_again_keeps_its_last_plan(
    persistence, monkeypatch
):
    from smartnumbers_kit.store import persistence_env
    from smartnumbers_routing.application import RoutingApplication
    from smartnumbers_routing.plan_keeper import PlanKeeper
    from smartnumbers_routing.settings import RoutingSettings

    for name, value in persistence.items():
        monkeypatch.setenv(name, value)
    app = RoutingApplication(persistence_env(RoutingSettings(), "routing"))
    try:
        plan = to_wire(decide(World().user("adam").view, NUMBERS["adam"], Caller(LUCY)).plan, "c1")
        again = plan.model_copy(update={"reasons": ["asked again"]})
        other = plan.model_copy(update={"call_id": "c2"})
        batches: list[int] = []

        def save(batch):
            batches.append(len(batch))
            app.plans_made(batch)

        keeper = PlanKeeper(save)
        for p in (plan, again, other):
            keeper(p, T0)  # queued before the thread starts: one batch
        keeper.start()
        keeper.stop()
        assert batches == [3]
        assert app.routing_of("acme", "c1").plan["reasons"] == ["asked again"]
        assert app.routing_of("acme", "c2").plan["rules"] == ["§3.6 available"]
        assert app.routing_of("acme", "explain") is None
    finally:
        app.close()
