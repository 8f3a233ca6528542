"""Routing's application: the call records (§8.2), built from the gateway's call events.

Decisions need no store: they are taken from the in-memory read model (read_model.py).
"""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError
from smartnumbers_contracts import calls as wire
from smartnumbers_kit.store import ServiceApplication

from smartnumbers_routing.domain.call_record import CallRecord


class RoutingApplication(ServiceApplication):
    name = "routing"

    def record(self, organisation_id: str, call_id: str) -> CallRecord | None:
        try:
            return self.repository.get(CallRecord.create_id(organisation_id, call_id))
        except AggregateNotFoundError:
            return None

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
