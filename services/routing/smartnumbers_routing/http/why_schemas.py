"""Bodies of "why did this call go there" (kept apart from schemas.py)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from smartnumbers_contracts import routing as wire

from smartnumbers_routing.domain.call_record import CallRecord
from smartnumbers_routing.domain.call_routing import CallRouting, what_happened
from smartnumbers_routing.http.schemas import CallEntry


class StepOutcome(BaseModel):
    step: int = Field(description="1 for the first step")
    kind: str
    targets: list[str]
    ring_seconds: int | None
    mailbox: str | None
    rang: list[str] = Field(description="Numbers seen ringing first in this step")
    dial_status: dict[str, str] = Field(
        description="Number → how its dial in this step ended (busy, no answer, unavailable, congestion, "
        "cancelled, answered), from Asterisk's DIALSTATUS"
    )
    started_at: datetime | None
    seconds: float | None = Field(description="How long the step lasted, when known")
    outcome: str = Field(
        description="answered, busy, no answer, unavailable, congestion, caller hung up, not answered "
        "(the targets ended differently, or how is unknown), ringing, transferred, message left, "
        "no message, not reached"
    )
    said: str = Field(description='The step in a sentence, e.g. "Rang +441632960110 for 10 s: busy."')


class Why(BaseModel):
    """Why the call went where it went: the plan routing gave for it, and what happened at each step."""

    planned_at: datetime
    reasons: list[str] = Field(description="The explain-mode sentences, in the callee's words")
    rules: list[str] = Field(description="The rules they came from, with the guide's sections")
    delegated_from: list[str]
    fallback: bool = Field(description="Routing could not decide and chose voicemail")
    steps: list[StepOutcome]

    @classmethod
    def of(cls, routing: CallRouting, record: CallRecord | None) -> Why:
        plan = routing.plan
        return cls(
            planned_at=routing.planned_at,
            reasons=plan.get("reasons", []),
            rules=plan.get("rules", []),
            delegated_from=plan.get("delegated_from", []),
            fallback=plan.get("fallback", False),
            steps=[StepOutcome(**s.__dict__) for s in what_happened(plan, record)],
        )


class CallWithWhy(CallEntry):
    why: Why | None = Field(
        default=None, description="Why the call went there (null for calls routing planned no route for)"
    )


class Replay(BaseModel):
    call_id: str
    then: Why
    today: wire.RoutingPlan = Field(description="The plan the same call would get with today's settings")
    same: bool
    differences: list[str] = Field(description="What would differ, in words")
