"""Routing's contracts: the plan for a call (request/reply), and what routing tells others.

The plan is asked for on ``PLAN_REQUEST_SUBJECT`` with NATS request/reply. That subject
is outside every stream (streams hold ``<domain>.>``), so JetStream never answers it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from smartnumbers_contracts.base import Contract, Identifier

PLAN_REQUEST_SUBJECT = "rpc.routing.plan.v1"


class PlanRequest(BaseModel):
    """The gateway asks: a call to ``dialled`` from ``caller_number`` has arrived."""

    model_config = ConfigDict(frozen=True)

    call_id: str = Field(description="Asterisk's Linkedid: ties the call's legs and events together")
    dialled: str = Field(description="E.164 smartnumber, team number or mailbox number dialled")
    caller_number: str | None = None
    caller_name: str | None = None
    at: datetime


class StepKind(StrEnum):
    RING = "ring"
    PC_RING = "pc_ring"
    QUEUE = "queue"
    VOICEMAIL = "voicemail"
    GREETING_THEN_HANG_UP = "greeting_then_hang_up"
    OFFER_TRANSFER = "offer_transfer"


class Introduction(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str = Field(description="What the answering party hears (§3.8)")
    form: str = Field(
        default="direct", description="direct: '<name>, there is a call…'; for: 'There is a call for <name>…'"
    )
    for_name: str | None = Field(
        default=None, description="Who the call is for (the answerer, a colleague or a team)"
    )
    from_name: str | None = Field(default=None, description="The caller's name, when known")
    for_name_recording: str | None = Field(default=None, description="Recorded name of who the call is for")
    from_name_recording: str | None = Field(default=None, description="Recorded name of the caller")
    requires_password_of: Identifier | None = Field(
        default=None, description="Call introduction with password: whose PIN to ask for"
    )


class Step(BaseModel):
    """One step; the next runs when this one ends unanswered (no answer, busy, unreachable)."""

    model_config = ConfigDict(frozen=True)

    kind: StepKind
    targets: list[str] = Field(default_factory=list, description="E.164 numbers rung at once")
    answered_by: list[Identifier] = Field(default_factory=list, description="User behind each target")
    introductions: list[Introduction | None] = Field(default_factory=list, description="One per target")
    ring_seconds: int | None = None
    mailbox: str | None = Field(default=None, description="User id, or team:<id>")
    greeting: str | None = Field(default=None, description="today, permanent, system or extended_absence")
    max_wait_seconds: int | None = None


class RoutingPlan(BaseModel):
    """The reply to a PlanRequest, and what `GET /v1/route` explains."""

    model_config = ConfigDict(frozen=True)

    call_id: str | None = None
    organisation_id: Identifier | None = None
    dialled: str
    call_for_kind: str = Field(description="user, team or unknown")
    call_for: Identifier | None = None
    steps: list[Step]
    reasons: list[str] = Field(description="Why, in the callee's words")
    rules: list[str] = Field(
        default_factory=list,
        description="The rules that decided, in order, each with its guide section (e.g. '§3.6 available')",
    )
    delegated_from: list[Identifier] = Field(default_factory=list)
    fallback: bool = Field(
        default=False, description="True when routing could not decide and chose voicemail"
    )
    mailbox_access: bool = Field(
        default=False,
        description="The number dialled is the user's mailbox number (§3.1.1): the caller may sign in",
    )


class CallDelegated(Contract):
    subject = "routing.call.delegated.v1"
    summary = (
        "A call to a user was diverted to their delegate (§3.6.4); notify alerts users who asked (§3.6.8)"
    )

    call_id: str
    intended_user_id: Identifier
    delegate_id: Identifier
    caller_number: str | None = None
    answered: bool = Field(description="Whether the delegate answered")


class CallLost(Contract):
    subject = "routing.call.lost.v1"
    summary = "A caller hung up before being answered or reaching voicemail (§3.6.6–3.6.7)"

    call_id: str
    intended_user_id: Identifier | None = None
    intended_team_id: Identifier | None = None
    caller_number: str | None = None
    ring_seconds: float


def fallback_plan(request: PlanRequest, reason: str) -> RoutingPlan:
    """The safe answer when routing cannot be asked: the caller reaches voicemail of the number dialled."""
    return RoutingPlan(
        call_id=request.call_id,
        dialled=request.dialled,
        call_for_kind="unknown",
        call_for=None,
        steps=[Step(kind=StepKind.VOICEMAIL, mailbox=None, greeting="system")],
        reasons=[f"Routing did not answer ({reason}): the call goes to voicemail."],
        fallback=True,
    )
