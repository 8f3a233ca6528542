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


DIAL_WORDS = {
    "ANSWER": "answered",
    "BUSY": "busy",
    "NOANSWER": "no answer",
    "CANCEL": "cancelled",
    "CONGESTION": "congestion",
    "CHANUNAVAIL": "unavailable",
    "DONTCALL": "refused",
    "TORTURE": "refused",
    "INVALIDARGS": "failed",
}
"""Asterisk's DIALSTATUS → the words a call record uses."""


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
    dial_status: dict[str, str]
    """Number → how its dial in this step ended, in words (busy, no answer, …), when Asterisk said."""
    started_at: datetime | None
    seconds: float | None
    """How long the step lasted, when its start and end are known."""
    outcome: str
    """answered; busy; no answer; unavailable; congestion; caller hung up (every dialled target
    ended so); not answered (targets ended differently, or how is unknown); ringing; message left;
    no message; transferred; not reached."""
    said: str
    """The step in a sentence: "Rang +441632960110 for 10 s: busy." """


def what_happened(plan: dict[str, Any], record: CallRecord | None) -> list[StepHappened]:
    steps: list[dict[str, Any]] = plan.get("steps", [])
    if record is None:
        return [_step(i, s, (), {}, None, None, "not reached") for i, s in enumerate(steps)]
    ringing = [i for i, s in enumerate(steps) if s["kind"] in RINGING_KINDS]
    rang: dict[int, list[tuple[str, datetime]]] = {i: [] for i in ringing}
    pointer = ringing[0] if ringing else 0
    pointer_after = [pointer]
    """The step being rung once k rings were seen."""
    for number, at in record.rings:
        found = next((i for i in ringing if i >= pointer and number in steps[i]["targets"]), None)
        if found is not None:
            rang[found].append((number, at))
            pointer = found
        pointer_after.append(pointer)
    ended_dials = _dial_ends(steps, ringing, pointer_after, record)
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
        dialled = {n: DIAL_WORDS.get(status, status.lower()) for n, status in ended_dials.get(i, {}).items()}
        if s["kind"] in RINGING_KINDS:
            later = [rang[j][0][1] for j in ringing if j > i and rang[j]]
            ended = later[0] if later else (record.answered_at if answered_step == i else finished)
            if i == answered_step:
                outcome = "transferred" if s["kind"] == "offer_transfer" else "answered"
            elif i in reached and (later or record.ended_at or record.voicemail_at):
                outcome = _not_answered(dialled, record)
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
        out.append(_step(i, s, tuple(n for n, _ in rang.get(i, [])), dialled, started, seconds, outcome))
    return out


def _dial_ends(
    steps: list[dict[str, Any]], ringing: list[int], pointer_after: list[int], record: CallRecord
) -> dict[int, dict[str, str]]:
    """Each ended dial → the step it belongs to: the one being rung when it ended, or (that step's
    dial of the number having ended already) the next step that rings the number again."""
    found: dict[int, dict[str, str]] = {}
    for number, status, _at, rings_before in getattr(record, "dial_ends", []):
        step = pointer_after[min(rings_before, len(pointer_after) - 1)]
        candidates = [i for i in ringing if i >= step and number in steps[i]["targets"]]
        chosen = next((i for i in candidates if number not in found.get(i, {})), None)
        if chosen is not None:
            found.setdefault(chosen, {})[number] = status
    return found


def _not_answered(dialled: dict[str, str], record: CallRecord) -> str:
    words = set(dialled.values()) - {"answered"}
    if len(words) != 1:
        return "not answered"
    (word,) = words
    if word == "cancelled":
        return "caller hung up" if record.hung_up_by == "caller" else "not answered"
    return word


def _step(
    i: int,
    s: dict[str, Any],
    rang: tuple[str, ...],
    dialled: dict[str, str],
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
        dial_status=dialled,
        started_at=started,
        seconds=seconds,
        outcome=outcome,
        said=_said(s, rang, dialled, seconds, outcome),
    )


def _said(
    s: dict[str, Any], rang: tuple[str, ...], dialled: dict[str, str], seconds: float | None, outcome: str
) -> str:
    if outcome == "not reached":
        return f"{_what(s)}: not reached."
    if s["kind"] not in RINGING_KINDS:
        return f"{_what(s)}: {outcome}."
    numbers = [n for n in s.get("targets", ()) if n in rang or n in dialled] or list(s.get("targets", ()))
    verb = "Offered the call to" if s["kind"] == "offer_transfer" else "Rang"
    how_long = f" for {round(seconds)} s" if seconds is not None else ""
    if outcome == "ringing":
        return f"Ringing {' + '.join(numbers)}."
    details = ""
    answered_on = [n for n, word in dialled.items() if word == "answered"]
    if outcome in ("answered", "transferred") and len(numbers) > 1 and answered_on:
        details = f" on {answered_on[0]}"
    elif outcome == "not answered" and len(set(dialled.values())) > 1:
        details = " (" + ", ".join(f"{n} {w}" for n, w in dialled.items()) + ")"
    return f"{verb} {' + '.join(numbers)}{how_long}: {outcome}{details}."


def _what(s: dict[str, Any]) -> str:
    if s.get("targets"):
        return f"{s['kind'].replace('_', ' ').capitalize()} {' + '.join(s['targets'])}"
    name = s["kind"].replace("_", " ").capitalize()
    return f"{name} ({s['mailbox']})" if s.get("mailbox") else name


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
