"""Routing's application: the call records (§8.2), built from the gateway's call events.

Decisions need no store: they are taken from the in-memory read model (read_model.py).
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from smartnumbers_contracts import calls as wire
from smartnumbers_contracts import routing as wire_routing
from smartnumbers_kit.store import ServiceApplication

from smartnumbers_routing.domain.call_record import CallRecord
from smartnumbers_routing.domain.call_routing import CallRouting

KEPT = {
    "dialled",
    "call_for_kind",
    "call_for",
    "steps",
    "reasons",
    "rules",
    "delegated_from",
    "fallback",
    "mailbox_access",
}
"""What the record of why keeps of a plan."""
PLANNED_HERE = 100_000
"""Calls whose plans this process remembers having kept (most recent first to go last)."""


class RoutingApplication(ServiceApplication):
    name = "routing"

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self._planned_here: OrderedDict[tuple[str, str], None] = OrderedDict()
        """Calls whose plans this process kept (only the plan keeper's thread touches it)."""

    def record(self, organisation_id: str, call_id: str) -> CallRecord | None:
        try:
            return self.repository.get(CallRecord.create_id(organisation_id, call_id))
        except AggregateNotFoundError:
            return None

    def routing_of(self, organisation_id: str, call_id: str) -> CallRouting | None:
        try:
            return self.repository.get(CallRouting.create_id(organisation_id, call_id))
        except AggregateNotFoundError:
            return None

    def plans_made(self, batch: list[tuple[wire_routing.RoutingPlan, datetime]]) -> None:
        """Keep the plans given for calls (steps, reasons, rules): the record of why. One
        transaction for the whole batch; a call planned again keeps its last plan.

        A call this process has not planned before is taken to be new, without reading the
        store (nearly every call: that read was most of routing's CPU per call); one planned
        elsewhere (another replica, or before a restart) makes the save conflict, and the
        batch is then done again reading every call's record."""
        tries = 0

        def command() -> list[Any]:
            nonlocal tries
            tries += 1
            changed: dict[tuple[str, str], CallRouting] = {}
            for plan, at in batch:
                if not plan.organisation_id or not plan.call_id:
                    continue
                key = (plan.organisation_id, plan.call_id)
                kept = plan.model_dump(mode="json", include=KEPT)
                routing = changed.get(key)
                if routing is None and (tries > 1 or key in self._planned_here):
                    routing = self.routing_of(*key)
                if routing is None:
                    routing = CallRouting(organisation_id=key[0], call_id=key[1], plan=kept, at=at)
                else:
                    routing.replan(plan=kept, at=at)
                changed[key] = routing
            return list(changed.values())

        self.run_command(command, key="plans")
        for plan, _ in batch:
            if plan.organisation_id and plan.call_id:
                self._planned_here[(plan.organisation_id, plan.call_id)] = None
        while len(self._planned_here) > PLANNED_HERE:
            self._planned_here.popitem(last=False)

    # -- handlers of the gateway's call events (they return what they changed) -----------
    def call_started(self, e: wire.CallStarted) -> list[Any]:
        if self.record(e.organisation_id, e.call_id) is not None:
            return []
        return [
            CallRecord(
                organisation_id=e.organisation_id,
                call_id=e.call_id,
                direction=e.direction.value,
                caller_number=e.caller_number,
                caller_user_id=e.caller_user_id,
                dialled=e.dialled,
                intended_user_id=e.intended_user_id,
                intended_team_id=e.intended_team_id,
                started_at=e.occurred_at,
            )
        ]

    def _change(self, e: Any, change: Any) -> list[Any]:
        record = self.record(e.organisation_id, e.call_id)
        if record is None:
            raise LookupError(f"call {e.call_id} has events before its start")  # retried, then parked
        change(record)
        return [record]

    def call_ringing(self, e: wire.CallRinging) -> list[Any]:
        return self._change(e, lambda r: r.ring(user_id=e.user_id, number=e.target_number, at=e.occurred_at))

    def call_dial_ended(self, e: wire.CallDialEnded) -> list[Any]:
        return self._change(
            e, lambda r: r.dial_ended(number=e.target_number, status=e.dial_status.value, at=e.occurred_at)
        )

    def call_answered(self, e: wire.CallAnswered) -> list[Any]:
        return self._change(
            e, lambda r: r.answer(user_id=e.answered_by_user_id, number=e.answered_number, at=e.occurred_at)
        )

    def call_transferred(self, e: wire.CallTransferred) -> list[Any]:
        return self._change(
            e, lambda r: r.transfer(user_id=e.to_user_id, number=e.to_number, at=e.occurred_at)
        )

    def voicemail_left(self, e: wire.VoicemailLeft) -> list[Any]:
        return self._change(e, lambda r: r.leave_voicemail(mailbox=e.mailbox, at=e.occurred_at))

    def call_ended(self, e: wire.CallEnded) -> list[Any]:
        return self._change(
            e, lambda r: r.end(hung_up_by=e.hung_up_by.value, cause=e.cause, at=e.occurred_at)
        )
