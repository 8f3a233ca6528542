"""The record of why (§8.2) after a restart: routing keeps a new call's plan without reading the
store first, so a call it planned before the restart must still keep its last plan (the save
conflicts, and the batch is done again reading each call's record). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from smartnumbers_routing.domain.callees import Caller
from smartnumbers_routing.domain.decide import decide
from smartnumbers_routing.planner import to_wire

from services.routing.tests.world import LUCY, NUMBERS, World

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_a_call_planned_before_a_restart_keeps_its_last_plan_when_planned_again_after_it(
    persistence, monkeypatch
):
    from smartnumbers_kit.store import persistence_env
    from smartnumbers_routing.application import RoutingApplication
    from smartnumbers_routing.settings import RoutingSettings

    for name, value in persistence.items():
        monkeypatch.setenv(name, value)
    plan = to_wire(decide(World().user("adam").view, NUMBERS["adam"], Caller(LUCY)).plan, "c1")
    again = plan.model_copy(update={"reasons": ["asked again"]})
    other = plan.model_copy(update={"call_id": "c2"})
    # 1. A process plans c1, then stops.
    before = RoutingApplication(persistence_env(RoutingSettings(), "routing"))
    try:
        before.plans_made([(plan, T0)])
    finally:
        before.close()
    # 2. The next process (it has planned nothing yet) plans c1 again and c2 in one batch.
    after = RoutingApplication(persistence_env(RoutingSettings(), "routing"))
    try:
        after.plans_made([(again, T0), (other, T0)])
        assert after.routing_of("acme", "c1").plan["reasons"] == ["asked again"]
        assert after.routing_of("acme", "c2").plan["rules"] == ["§3.6 available"]
        # 3. And again in this process: the plan it kept is read and replaced.
        after.plans_made([(plan, T0)])
        assert after.routing_of("acme", "c1").plan["reasons"] == plan.reasons
    finally:
        after.close()
