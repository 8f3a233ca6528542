"""Response bodies of routing's REST API (the plan itself is the wire contract RoutingPlan)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from smartnumbers_routing.call_log import Summary
from smartnumbers_routing.domain.call_record import CallRecord


class CallEntry(BaseModel):
    call_id: str
    direction: str
    caller_number: str | None
    caller_user_id: str | None
    dialled: str
    intended_user_id: str | None
    intended_team_id: str | None
    actual_recipient: str | None
    started_at: datetime
    answered_at: datetime | None
    ended_at: datetime | None
    ring_seconds: float
    talk_seconds: float
    outcome: str | None

    @classmethod
    def of(cls, r: CallRecord) -> CallEntry:
        return cls(
            call_id=r.call_id,
            direction=r.direction,
            caller_number=r.caller_number,
            caller_user_id=r.caller_user_id,
            dialled=r.dialled,
            intended_user_id=r.intended_user_id,
            intended_team_id=r.intended_team_id,
            actual_recipient=r.actual_recipient,
            started_at=r.started_at,
            answered_at=r.answered_at,
            ended_at=r.ended_at,
            ring_seconds=r.ring_seconds,
            talk_seconds=r.talk_seconds,
            outcome=r.outcome,
        )


class SummaryEntry(BaseModel):
    period_start: date
    calls_in: int
    calls_out: int
    answered: int
    missed: int
    voicemail: int
    lost: int
    average_ring_seconds: float

    @classmethod
    def of(cls, s: Summary) -> SummaryEntry:
        return cls(**s.__dict__)
