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


def test_the_plan_a_call_follows_is_kept_from_its_first_call_event_with_its_record(persistence, monkeypatch):
    """Routing answers the gateway without writing anything; the gateway's CallStarted carries the
    plan it followed, and routing keeps it as the record of why with the call's record, once."""
    from uuid import uuid4

    from smartnumbers_contracts import calls
    from smartnumbers_kit.store import persistence_env
    from smartnumbers_routing.application import RoutingApplication
    from smartnumbers_routing.settings import RoutingSettings

    for name, value in persistence.items():
        monkeypatch.setenv(name, value)
    app = RoutingApplication(persistence_env(RoutingSettings(), "routing"))
    try:
        plan = to_wire(decide(World().user("adam").view, NUMBERS["adam"], Caller(LUCY)).plan, "c1")
        started = calls.CallStarted(
            event_id=uuid4(),
            organisation_id="acme",
            occurred_at=T0,
            call_id="c1",
            direction=calls.Direction.INBOUND,
            caller_number=LUCY,
            dialled=NUMBERS["adam"],
            intended_user_id="adam",
            plan=plan,
        )
        assert app.routing_of("acme", "c1") is None
        app.save(*app.call_started(started))
        kept = app.routing_of("acme", "c1")
        assert kept is not None and kept.plan["rules"] == ["§3.6 available"] and kept.planned_at == T0
        assert app.record("acme", "c1") is not None
        # The same call's start again (another event id) changes neither.
        again = started.model_copy(
            update={"event_id": uuid4(), "plan": plan.model_copy(update={"rules": []})}
        )
        assert app.call_started(again) == []
        # A call started without a plan (an outbound one) has a record and no record of why.
        outbound = started.model_copy(update={"event_id": uuid4(), "call_id": "c2", "plan": None})
        app.save(*app.call_started(outbound))
        assert app.record("acme", "c2") is not None and app.routing_of("acme", "c2") is None
        # A call in progress across the upgrade: the earlier version kept its plan when it was
        # made; its start keeps the plan it followed over it.
        from smartnumbers_routing.domain.call_routing import CallRouting

        app.save(CallRouting(organisation_id="acme", call_id="c3", plan={"rules": ["earlier"]}, at=T0))
        app.save(*app.call_started(started.model_copy(update={"event_id": uuid4(), "call_id": "c3"})))
        assert app.routing_of("acme", "c3").plan["rules"] == ["§3.6 available"]
    finally:
        app.close()


def test_a_busy_desk_is_told_from_a_mobile_nobody_answers_and_each_step_says_so():
    """Asterisk's DIALSTATUS for each dial (busy, no answer) lands on its step, in words."""
    r = record()
    r.ring(user_id="adam", number=DESK, at=at(1))
    r.dial_ended(number=DESK, status="BUSY", at=at(1))  # the desk is on another call
    r.ring(user_id="adam", number=MOBILES["adam"], at=at(1))
    r.dial_ended(number=DESK, status="BUSY", at=at(1))  # step 2 dials the desk again: busy again
    r.dial_ended(number=MOBILES["adam"], status="NOANSWER", at=at(21))
    r.leave_voicemail(mailbox="adam", at=at(22))
    r.end(hung_up_by="caller", cause="Normal Clearing", at=at(40))
    steps = what_happened(sequence_plan(), r)
    assert [(s.outcome, s.dial_status) for s in steps] == [
        ("busy", {DESK: "busy"}),
        ("not answered", {DESK: "busy", MOBILES["adam"]: "no answer"}),
        ("message left", {}),
    ]
    assert steps[0].said == f"Rang {DESK} for 0 s: busy."
    assert steps[1].said == (
        f"Rang {DESK} + {MOBILES['adam']} for 21 s: not answered ({DESK} busy, {MOBILES['adam']} no answer)."
    )
    assert steps[2].said == "Voicemail (adam): message left."


def test_the_desk_rings_out_no_answer_then_the_mobile_answers_and_the_desk_is_cancelled():
    r = record()
    r.ring(user_id="adam", number=DESK, at=at(1))
    r.dial_ended(number=DESK, status="NOANSWER", at=at(11))
    r.ring(user_id="adam", number=MOBILES["adam"], at=at(11))
    r.answer(user_id="adam", number=MOBILES["adam"], at=at(15))
    r.dial_ended(number=MOBILES["adam"], status="ANSWER", at=at(15))
    r.dial_ended(number=DESK, status="CANCEL", at=at(15))
    r.end(hung_up_by="callee", cause="Normal Clearing", at=at(60))
    steps = what_happened(sequence_plan(), r)
    assert [(s.outcome, s.said) for s in steps] == [
        ("no answer", f"Rang {DESK} for 10 s: no answer."),
        ("answered", f"Rang {DESK} + {MOBILES['adam']} for 4 s: answered on {MOBILES['adam']}."),
        ("not reached", "Voicemail (adam): not reached."),
    ]
    assert steps[1].dial_status == {MOBILES["adam"]: "answered", DESK: "cancelled"}


def test_the_caller_hanging_up_while_the_desk_rings_is_said_so():
    r = record()
    r.ring(user_id="adam", number=DESK, at=at(1))
    r.dial_ended(number=DESK, status="CANCEL", at=at(4))
    r.end(hung_up_by="caller", cause="Normal Clearing", at=at(4))
    assert what_happened(sequence_plan(), r)[0].said == f"Rang {DESK} for 3 s: caller hung up."
