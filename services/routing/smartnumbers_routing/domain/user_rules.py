"""A call to a user: the guide's rules, one function each, tried in the guide's order
(§3.9 extended absence, §3.3 location None, §4.1.2 VIPs, §3.6 availability)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from smartnumbers_routing.domain.callees import Callees, Caller, UserView
from smartnumbers_routing.domain.introduction import introduction_for
from smartnumbers_routing.domain.plan import Step, StepKind

LOCATION_WORDS = {"desk": "desk", "mobile": "mobile", "home": "home", "temporary": "temporary location"}


def voicemail(user: UserView, *, no_messages: bool) -> Step:
    if no_messages:
        return Step(StepKind.GREETING_THEN_HANG_UP, mailbox=user.user_id, greeting=user.greeting)
    return Step(StepKind.VOICEMAIL, mailbox=user.user_id, greeting=user.greeting)


def _ring_location(
    user: UserView, caller: Caller, ring_seconds: int, intended: UserView, delegated: bool
) -> Step:
    assert user.location_number is not None
    return Step(
        StepKind.RING,
        targets=(user.location_number,),
        ring_seconds=ring_seconds,
        answered_by=(user.user_id,),
        introduction=(introduction_for(user, intended, caller, delegated_or_team=delegated),),
    )


Outcome = tuple[tuple[Step, ...], tuple[str, ...], tuple[str, ...]]
"""Steps, reasons, and the users who delegated along the way."""


@dataclass(frozen=True)
class _Call:
    """A call to ``user`` (``intended`` first; a delegate after ``visited`` delegated)."""

    callees: Callees
    user: UserView
    caller: Caller
    ring_seconds: int
    visited: tuple[str, ...]
    intended: UserView
    applied: list[str]
    """The labels of the rules that applied so far (a delegation adds the delegate's)."""

    @property
    def you(self) -> str:
        return "your" if not self.visited else f"{self.user.display_name}'s"

    @property
    def delegated(self) -> bool:
        return bool(self.visited)

    @property
    def no_messages(self) -> bool:
        return self.user.availability == "no_messages"

    @property
    def where(self) -> str:
        return LOCATION_WORDS.get(self.user.location, self.user.location)

    @property
    def vm_words(self) -> str:
        if self.no_messages:
            return "callers hear your greeting and cannot leave a message (No messages)"
        return "calls go to voicemail"

    @property
    def from_vip(self) -> bool:
        return bool(self.caller.number and self.caller.number in self.user.vip_numbers)

    def ring(self) -> Step:
        return _ring_location(self.user, self.caller, self.ring_seconds, self.intended, self.delegated)

    def voicemail(self, *, no_messages: bool | None = None) -> Step:
        return voicemail(self.user, no_messages=self.no_messages if no_messages is None else no_messages)


def for_user(
    callees: Callees,
    user: UserView,
    caller: Caller,
    ring_seconds: int,
    *,
    visited: tuple[str, ...],
    intended: UserView,
    applied: list[str] | None = None,
) -> Outcome:
    """Steps, reasons and the users who delegated along the way, for a call to ``user``:
    the first of the guide's rules that applies, in the guide's order. The label of each
    rule that applied is appended to ``applied``."""
    call = _Call(callees, user, caller, ring_seconds, visited, intended, [] if applied is None else applied)
    mark = len(call.applied)
    for rule in RULES:
        outcome = rule(call)
        if outcome is not None:
            call.applied.insert(mark, RULE_LABELS[rule])  # before a delegate's own rules
            return outcome
    raise AssertionError("the last rule always applies")


def _extended_absence(call: _Call) -> Outcome | None:
    """§3.9: the extended absence greeting, no message; a transfer to the delegate if any."""
    user, you = call.user, call.you
    if not user.extended_absence:
        return None
    delegate = call.callees.user(user.organisation_id, user.delegate_id) if user.delegate_id else None
    if delegate is not None and delegate.smartnumber and not delegate.removed:
        return (
            (
                Step(
                    StepKind.OFFER_TRANSFER,
                    targets=(delegate.smartnumber,),
                    answered_by=(delegate.user_id,),
                    mailbox=user.user_id,
                    greeting="extended_absence",
                ),
            ),
            (
                f"Callers hear {you} extended absence greeting and cannot leave a message (§3.9).",
                f"They are then offered a transfer to {you} delegate, {delegate.display_name}.",
            ),
            call.visited,
        )
    return (
        (Step(StepKind.GREETING_THEN_HANG_UP, mailbox=user.user_id, greeting="extended_absence"),),
        (
            f"Callers hear {you} extended absence greeting and cannot leave a message (§3.9); "
            "no delegate is defined, so no transfer is offered.",
        ),
        call.visited,
    )


def _no_location(call: _Call) -> Outcome | None:
    """§3.3: location None, nowhere to ring: voicemail (or the greeting alone, No messages)."""
    user = call.user
    if user.location != "none" and user.location_number is not None:
        return None
    vm_words = call.vm_words
    reasons = [f"{vm_words[0].upper()}{vm_words[1:]} because {call.you} location is None (§3.3)."]
    if call.from_vip:
        reasons.append("The caller is a VIP, but with no location there is nowhere to ring (§4.1.2).")
    return (call.voicemail(),), tuple(reasons), call.visited


def _vip(call: _Call) -> Outcome | None:
    """§4.1.2: a VIP's call rings the location whatever the availability."""
    user, you = call.user, call.you
    if not call.from_vip or user.availability == "available":
        return None
    return (
        (call.ring(), call.voicemail()),
        (
            f"The caller is one of {you} VIPs: the call rings {you} {call.where} ({user.location_number}) "
            f"whatever {you} availability (§4.1.2); then {call.vm_words}.",
        ),
        call.visited,
    )


def _ring_sequence(call: _Call) -> Outcome | None:
    """Beyond the guide: Available with a personal ring sequence: its steps, then voicemail."""
    user, you = call.user, call.you
    if user.availability != "available" or not user.ring_sequence:
        return None
    steps: list[Step] = []
    said: list[str] = []
    skipped: list[str] = []
    for kinds, seconds in user.ring_sequence:
        rung = [(k, user.numbers.get(k)) for k in kinds]
        targets = tuple(dict.fromkeys(n for _, n in rung if n))
        skipped += [k for k, n in rung if not n]
        if not targets:
            continue
        steps.append(
            Step(
                StepKind.RING,
                targets=targets,
                ring_seconds=seconds,
                answered_by=(user.user_id,) * len(targets),
                introduction=(
                    introduction_for(user, call.intended, call.caller, delegated_or_team=call.delegated),
                )
                * len(targets),
            )
        )
        words = " and ".join(f"{LOCATION_WORDS.get(k, k)} ({n})" for k, n in rung if n)
        said.append(f"{you} {words} for {seconds} s")
    if not steps:
        return None
    reasons = [
        f"{you[0].upper()}{you[1:]} ring sequence, because {you} availability is Available: "
        f"calls ring {', then '.join(said)}; if nobody answers, {call.vm_words} (§3.6, ring sequence)."
    ]
    if skipped:
        reasons.append(
            f"{you[0].upper()}{you[1:]} {', '.join(sorted(set(skipped)))} number is not set: not rung."
        )
    return (*steps, call.voicemail()), tuple(reasons), call.visited


def _available(call: _Call) -> Outcome | None:
    """§3.6 Available and No messages: ring the location, then voicemail (or the greeting alone)."""
    user, you = call.user, call.you
    if user.availability not in ("available", "no_messages"):
        return None
    return (
        (call.ring(), call.voicemail()),
        (
            f"Calls ring {you} {call.where} ({user.location_number}) for {call.ring_seconds} s; "
            f"if nobody answers or it is busy, {call.vm_words} (§3.6).",
        ),
        call.visited,
    )


def _divert_to_voicemail(call: _Call) -> Outcome | None:
    """§3.6.2 Voicemail: straight to voicemail, with the greeting callers hear."""
    user = call.user
    if user.availability != "voicemail":
        return None
    greeting = "today's greeting" if user.greeting == "today" else f"the {user.greeting} greeting"
    return (
        (call.voicemail(no_messages=False),),
        (
            f"Calls go straight to voicemail, with {greeting}, because {call.you} availability is "
            "Voicemail (§3.6.2).",
        ),
        call.visited,
    )


def _pc_ring(call: _Call) -> Outcome | None:
    """§3.6.1 PC ring: Call Manager shows the call, then voicemail; voicemail without one."""
    user, you = call.user, call.you
    if user.availability != "pc_ring":
        return None
    if user.call_manager_sessions > 0:
        return (
            (
                Step(StepKind.PC_RING, ring_seconds=call.ring_seconds, answered_by=(user.user_id,)),
                call.voicemail(no_messages=False),
            ),
            (
                f"Calls ring at {you} PC: Call Manager shows the call for {call.ring_seconds} s "
                "(§3.6.1, §7.5.2); without a choice, they go to voicemail.",
            ),
            call.visited,
        )
    return (
        (call.voicemail(no_messages=False),),
        (f"Calls go to voicemail: {you} availability is PC ring but no Call Manager is connected (§3.6.1).",),
        call.visited,
    )


def _delegate(call: _Call) -> Outcome | None:
    """§3.6.4 Delegate: the delegate's own rules decide; a loop ends in the intended's voicemail."""
    user, you, intended = call.user, call.you, call.intended
    if user.availability != "delegate":
        return None
    delegate = call.callees.user(user.organisation_id, user.delegate_id) if user.delegate_id else None
    if delegate is None or delegate.removed:
        return (
            (call.voicemail(no_messages=False),),
            (f"Calls go to voicemail: {you} delegate no longer exists (§3.6.4).",),
            call.visited,
        )
    chain = (*call.visited, user.user_id)
    if delegate.user_id in chain or delegate.user_id == intended.user_id:
        return (
            (voicemail(intended, no_messages=False),),
            (
                f"Calls go to {intended.display_name}'s voicemail: delegation loops back "
                f"({' → '.join([*chain, delegate.user_id])}), so nobody is rung twice.",
            ),
            chain,
        )
    steps, reasons, delegated_from = for_user(
        call.callees,
        delegate,
        call.caller,
        call.ring_seconds,
        visited=chain,
        intended=intended,
        applied=call.applied,
    )
    return (
        steps,
        (f"Calls are diverted to {you} delegate, {delegate.display_name} (§3.6.4).", *reasons),
        delegated_from,
    )


def _unknown_availability(call: _Call) -> Outcome:
    return (
        (call.voicemail(no_messages=False),),
        (f"Unknown availability {call.user.availability!r}: voicemail.",),
        call.visited,
    )


RULES: tuple[Callable[[_Call], Outcome | None], ...] = (
    _extended_absence,
    _no_location,
    _vip,
    _ring_sequence,
    _available,
    _divert_to_voicemail,
    _pc_ring,
    _delegate,
    _unknown_availability,
)
"""The guide's rules for a call to a user, in the order they apply (§3.9, §3.3, §4.1.2, §3.6)."""

RULE_LABELS: dict[Callable[[_Call], Outcome | None], str] = {
    _extended_absence: "§3.9 extended absence",
    _no_location: "§3.3 location None",
    _vip: "§4.1.2 VIP caller",
    _ring_sequence: "§3.6 available: ring sequence",
    _available: "§3.6 available",
    _divert_to_voicemail: "§3.6.2 voicemail",
    _pc_ring: "§3.6.1 PC ring",
    _delegate: "§3.6.4 delegate",
    _unknown_availability: "unknown availability",
}
"""How the record of a call names each rule (the guide's section first)."""
