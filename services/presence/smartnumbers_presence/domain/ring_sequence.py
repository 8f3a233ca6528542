"""A personal ring sequence: steps of the user's own kept numbers rung together for N seconds,
then the next step, then voicemail (used while the user is Available)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from smartnumbers_kit.errors import Invalid

from smartnumbers_presence.domain.location import KEPT_NUMBER_LOCATIONS

MAX_STEPS = 5
MIN_SECONDS = 5
MAX_SECONDS = 120
RING_KINDS = tuple(kind.value for kind in KEPT_NUMBER_LOCATIONS)

RingStep = tuple[tuple[str, ...], int]


def checked_sequence(steps: Sequence[RingStep], numbers: Mapping[str, str | None]) -> list[RingStep]:
    """The sequence as stored, or Invalid saying which step is wrong and why."""
    if len(steps) > MAX_STEPS:
        raise Invalid(f"a ring sequence has at most {MAX_STEPS} steps, not {len(steps)}")
    checked: list[RingStep] = []
    for n, (kinds, seconds) in enumerate(steps, start=1):
        if not kinds:
            raise Invalid(f"step {n} rings no number: name at least one of {', '.join(RING_KINDS)}")
        for kind in kinds:
            if kind not in RING_KINDS:
                raise Invalid(f"step {n}: {kind!r} is not one of your kept numbers ({', '.join(RING_KINDS)})")
            if numbers.get(kind) is None:
                raise Invalid(f"step {n}: you have no {kind} number: enter one before ringing it")
        if len(set(kinds)) != len(kinds):
            raise Invalid(f"step {n} names the same number twice")
        if not MIN_SECONDS <= seconds <= MAX_SECONDS:
            raise Invalid(
                f"step {n} rings for {seconds} s: between {MIN_SECONDS} and {MAX_SECONDS} s, please"
            )
        checked.append((tuple(kinds), seconds))
    return checked
