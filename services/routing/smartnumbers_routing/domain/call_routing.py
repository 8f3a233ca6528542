"""Why a call went where it went: the plan routing gave the gateway for it, kept with the call.

The plan (steps, reasons in the callee's words, the rules they came from) is recorded when
it is made, apart from the gateway's call events (which may arrive before or after it);
``what_happened`` lays the call record's events over the plan's steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from smartnumbers_routing.domain.call_record import CallRecord

RINGING_KINDS = ("ring", "queue", "offer_transfer")
MESSAGE_KINDS = ("voicemail", "greeting_then_hang_up")


class CallRouting(Aggregate):
    @staticmethod
    def create_id(organisation_id: str, call_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:routing:call-routing:{organisation_id}:{call_id}")

    @event("Planned")
    def __init__(self, organisation_id: str, call_id: str, plan: dict[str, Any], at: datetime) -> None:
        self.organisation_id = organisation_id
        self.call_id = call_id
        self.plan = plan
        self.planned_at = at

    @event("Replanned")
    def replan(self, plan: dict[str, Any], at: datetime) -> None:
        """The gateway asked again for the same call: the last plan is the one it followed."""
        self.plan, self.planned_at = plan, at


@dataclass(frozen=True)
class StepHappened:
    step: int
    """1 for the first step, as in the dialplan's SN_S<i>_ variables."""
    kind: str
    targets: tuple[str, ...]
    ring_seconds: int | None
    mailbox: str | None
    rang: tuple[str, ...]
    """Numbers seen ringing first in this step (a number already rung in an earlier step rings on)."""
    started_at: datetime | None
    seconds: float | None
    """How long the step lasted, when its start and end are known."""
    outcome: str
    """answered; not answered (no answer or busy: the gateway's events do not tell them apart);
    message left; no message; transferred; not reached."""


def what_happened(plan: dict[str, Any], record: CallRecord | None) -> list[StepHappened]:
    steps: list[dict[str, Any]] = plan.get("steps", [])
    if record is None:
        return [_step(i, s, (), None, None, "not reached") for i, s in enumerate(steps)]
    ringing = [i for i, s in enumerate(steps) if s["kind"] in RINGING_KINDS]
    rang: dict[int, list[tuple[str, datetime]]] = {i: [] for i in ringing}
    pointer = ringing[0] if ringing else 0
    for number, at in record.rings:
        found = next((i for i in ringing if i >= pointer and number in steps[i]["targets"]), None)
        if found is not None:
            rang[found].append((number, at))
            pointer = found
    reached = {i for i in ringing if rang[i]}
    last_reached = max(reached, default=-1)
    reached |= {i for i in ringing if i < last_reached}
    answered_step = None
    if record.answered_number is not None:
        answered_step = max(
            (i for i in reached if record.answered_number in steps[i]["targets"]), default=None
        )
    finished = record.answered_at or record.voicemail_at or record.ended_at
    out: list[StepHappened] = []
    for i, s in enumerate(steps):
        started = rang[i][0][1] if rang.get(i) else None
        if s["kind"] in RINGING_KINDS:
            later = [rang[j][0][1] for j in ringing if j > i and rang[j]]
            ended = later[0] if later else (record.answered_at if answered_step == i else finished)
            if i == answered_step:
                outcome = "transferred" if s["kind"] == "offer_transfer" else "answered"
            elif i in reached and (later or record.ended_at or record.voicemail_at):
                outcome = "not answered"
            elif i in reached:
                outcome = "ringing"
            else:
                outcome = "not reached"
        else:
            ended = None
            passed = answered_step is None and (not ringing or last_reached == ringing[-1] or not reached)
            if s["kind"] in MESSAGE_KINDS and record.voicemail_at is not None:
                outcome, started = "message left", record.voicemail_at
            elif passed and record.ended_at is not None and all(j < i for j in ringing):
                outcome = "no message"
            else:
                outcome = "not reached"
        seconds = (ended - started).total_seconds() if started and ended and ended >= started else None
        out.append(_step(i, s, tuple(n for n, _ in rang.get(i, [])), started, seconds, outcome))
    return out


def _step(
    i: int,
    s: dict[str, Any],
    rang: tuple[str, ...],
    started: datetime | None,
    seconds: float | None,
    outcome: str,
) -> StepHappened:
    return StepHappened(
        step=i + 1,
        kind=s["kind"],
        targets=tuple(s.get("targets", ())),
        ring_seconds=s.get("ring_seconds"),
        mailbox=s.get("mailbox"),
        rang=rang,
        started_at=started,
        seconds=seconds,
        outcome=outcome,
    )


def differences(then: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What a call made then would do differently today, in words."""
    said: list[str] = []

    def walk(plan: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [
            (s["kind"], tuple(s.get("targets", ())), s.get("ring_seconds"), s.get("mailbox"))
            for s in plan["steps"]
        ]

    if walk(then) != walk(now):
        said.append(f"The steps differ: then {_words(then)}; today {_words(now)}.")
    if then.get("rules") != now.get("rules"):
        said.append(
            f"Other rules decide: then {', '.join(then.get('rules') or ['?'])}; "
            f"today {', '.join(now.get('rules') or ['?'])}."
        )
    return said


def _words(plan: dict[str, Any]) -> str:
    parts = []
    for s in plan["steps"]:
        if s.get("targets"):
            parts.append(
                f"{s['kind']} {' + '.join(s['targets'])}"
                + (f" {s['ring_seconds']} s" if s.get("ring_seconds") else "")
            )
        else:
            parts.append(f"{s['kind']}" + (f" ({s['mailbox']})" if s.get("mailbox") else ""))
    return ", then ".join(parts) or "nothing"
