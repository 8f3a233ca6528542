"""A routing plan: the ordered steps the gateway executes for one call.

Each step runs when the one before it ends without the call being answered (no answer,
busy or unreachable). ``reasons`` say, in the user's words, why the plan is what it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class StepKind(StrEnum):
    RING = "ring"
    """Ring ``targets`` (all at once) for ``ring_seconds``, with an optional introduction."""
    PC_RING = "pc_ring"
    """The caller hears ringing while the user's Call Manager offers the call (§7.5.2)."""
    QUEUE = "queue"
    """Hold the caller in the queue, offering the call to ``targets``, up to ``max_wait_seconds``."""
    VOICEMAIL = "voicemail"
    """Play ``greeting`` of ``mailbox`` and record a message."""
    GREETING_THEN_HANG_UP = "greeting_then_hang_up"
    """Play ``greeting`` of ``mailbox``; no message can be left."""
    OFFER_TRANSFER = "offer_transfer"
    """Ask the caller whether to be transferred to ``targets`` (the delegate, §3.9)."""


@dataclass(frozen=True)
class Introduction:
    """What the answering party hears before accepting with star (§3.8)."""

    text: str
    for_name_recording: str | None
    from_name_recording: str | None
    requires_password_of: str | None = None
    form: str = "direct"
    """direct: "<name>, there is a call…"; for: "There is a call for <name>…" (delegated, team)."""
    for_name: str | None = None
    from_name: str | None = None


@dataclass(frozen=True)
class Step:
    kind: StepKind
    targets: tuple[str, ...] = ()
    ring_seconds: int | None = None
    answered_by: tuple[str, ...] = ()
    """User ids behind ``targets``, in the same order (for call records)."""
    introduction: tuple[Introduction | None, ...] = ()
    """One per target: the introduction for whoever answers there."""
    mailbox: str | None = None
    greeting: str | None = None
    max_wait_seconds: int | None = None


@dataclass(frozen=True)
class Plan:
    organisation_id: str
    dialled: str
    call_for_kind: str
    """user, team, or unknown."""
    call_for: str | None
    steps: tuple[Step, ...]
    reasons: tuple[str, ...]
    delegated_from: tuple[str, ...] = field(default=())
    """Users whose calls were delegated along the way, first to last."""
    mailbox_access: bool = False
    """The number dialled is the user's mailbox number (§3.1.1): the caller may sign in."""
    rules: tuple[str, ...] = ()
    """The rules that decided, in order, each with its guide section (a delegation: one per user)."""
