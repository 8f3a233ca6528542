"""Taking a decision for a call: read model in, wire plan out (for the RPC, the REST API and the CLI)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from smartnumbers_contracts import routing as wire

from smartnumbers_routing.domain.callees import Caller
from smartnumbers_routing.domain.decide import decide
from smartnumbers_routing.domain.plan import Plan
from smartnumbers_routing.domain.scheduled import ScheduledCallees
from smartnumbers_routing.read_model import RoutingView


class Planner:
    def __init__(self, view: RoutingView, ring_seconds: int = 20) -> None:
        self.view = view
        self.ring_seconds = ring_seconds

    def plan(self, request: wire.PlanRequest) -> wire.RoutingPlan:
        """The plan a call follows: taking it moves a round-robin team's rota on."""
        return self._decide(request, use=True)

    def explain(self, request: wire.PlanRequest) -> wire.RoutingPlan:
        """The same plan, for explain mode: asking why never changes what happens (the rota stays)."""
        return self._decide(request, use=False)

    def _decide(
        self, request: wire.PlanRequest, *, use: bool, now: datetime | None = None
    ) -> wire.RoutingPlan:
        owner = self.view.owner_of(None, request.dialled)
        caller = (
            self.view.caller(owner[0], owner[2], request.caller_number, request.caller_name)
            if owner
            else Caller(request.caller_number, request.caller_name)
        )
        now = now or datetime.now(UTC)
        at = max(request.at, now) if use else request.at
        callees = ScheduledCallees(self.view, at=at, now=now)
        decision = decide(callees, request.dialled, caller, self.ring_seconds)
        if use and decision.round_robin_advance:
            self.view.advance_round_robin(*decision.round_robin_advance)
        return to_wire(with_schedule_notes(decision.plan, callees), request.call_id)

    def explain_at(self, request: wire.PlanRequest, now: datetime) -> wire.RoutingPlan:
        """Explain mode at ``request.at`` (now, or a time to come: the schedules then apply)."""
        return self._decide(request, use=False, now=now)


def with_schedule_notes(plan: Plan, callees: ScheduledCallees) -> Plan:
    """The schedules' notes first, for the callee and anyone the call was delegated to."""
    if not callees.notes:
        return plan
    said = []
    for user_id in list(callees.notes):
        if user_id == plan.call_for and plan.call_for_kind == "user":
            said.append(callees.said(user_id, "your"))
        else:
            user = callees.user(plan.organisation_id, user_id)
            said.append(callees.said(user_id, f"{user.display_name if user else user_id}'s"))
    return replace(plan, reasons=(*said, *plan.reasons), rules=("schedule", *plan.rules))


def to_wire(plan: Plan, call_id: str | None) -> wire.RoutingPlan:
    return wire.RoutingPlan(
        call_id=call_id,
        organisation_id=plan.organisation_id or None,
        dialled=plan.dialled,
        call_for_kind=plan.call_for_kind,
        call_for=plan.call_for,
        steps=[
            wire.Step(
                kind=step.kind.value,
                targets=list(step.targets),
                answered_by=list(step.answered_by),
                introductions=[
                    None
                    if i is None
                    else wire.Introduction(
                        text=i.text,
                        form=i.form,
                        for_name=i.for_name,
                        from_name=i.from_name,
                        for_name_recording=i.for_name_recording,
                        from_name_recording=i.from_name_recording,
                        requires_password_of=i.requires_password_of,
                    )
                    for i in step.introduction
                ],
                ring_seconds=step.ring_seconds,
                mailbox=step.mailbox,
                greeting=step.greeting,
                max_wait_seconds=step.max_wait_seconds,
            )
            for step in plan.steps
        ],
        reasons=list(plan.reasons),
        rules=list(plan.rules),
        delegated_from=list(plan.delegated_from),
        mailbox_access=plan.mailbox_access,
    )
