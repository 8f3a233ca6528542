"""Routing's application: the call records (§8.2), built from the gateway's call events.

Decisions need no store: they are taken from the in-memory read model (read_model.py).
"""

from __future__ import annotations

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


class RoutingApplication(ServiceApplication):
    name = "routing"

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

    # -- handlers of the gateway's call events (they return what they changed) -----------
    def call_started(self, e: wire.CallStarted) -> list[Any]:
        """The call's record, and with it the plan it follows as its record of why (the gateway
        sends the plan it followed in the call's first event: kept here, off the decision's path)."""
        if self.record(e.organisation_id, e.call_id) is not None:
            return []
        why = [] if e.plan is None else [self._why(e.organisation_id, e.call_id, e.plan, e.occurred_at)]
        return [
            *why,
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
            ),
        ]

    def _why(
        self, organisation_id: str, call_id: str, plan: wire_routing.RoutingPlan, at: datetime
    ) -> CallRouting:
        kept = plan.model_dump(mode="json", include=KEPT)
        routing = self.routing_of(organisation_id, call_id)  # kept by an earlier version's keeper
        if routing is None:
            return CallRouting(organisation_id=organisation_id, call_id=call_id, plan=kept, at=at)
        routing.replan(plan=kept, at=at)
        return routing

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
