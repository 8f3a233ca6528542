"""The decision: who a call is for, and the steps that follow (user guide §3.1.1, §3.3 to §3.9, §4.1.2).

``decide`` is pure: it reads a snapshot through ``Callees`` and returns a ``Plan``
with the reasons, in the callee's words, that produced it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from smartnumbers_routing.domain.callees import Caller, TeamView, UserView
from smartnumbers_routing.domain.introduction import introduction_for
from smartnumbers_routing.domain.plan import Plan, Step, StepKind

LOCATION_WORDS = {"desk": "desk", "mobile": "mobile", "home": "home", "temporary": "temporary location"}


class Callees(Protocol):
    def owner_of(self, organisation_id: str | None, number: str) -> tuple[str, str, str] | None:
        """(organisation, kind, id) of a number, or None. kind: "user" or "team" for a
        smartnumber; "mailbox" for a user's mailbox number (the id is the user's)."""

    def user(self, organisation_id: str, user_id: str) -> UserView | None: ...

    def team(self, organisation_id: str, team_id: str) -> TeamView | None: ...


@dataclass(frozen=True)
class Decision:
    plan: Plan
    round_robin_advance: tuple[str, str] | None = None
    """(organisation, team) whose round-robin start moves on once this plan is used."""


def decide(callees: Callees, dialled: str, caller: Caller, ring_seconds: int = 20) -> Decision:
    owner = callees.owner_of(None, dialled)
    if owner is None:
        return Decision(Plan("", dialled, "unknown", None, (), (f"{dialled} is nobody's smartnumber",)))
    organisation_id, kind, owner_id = owner
    if kind == "mailbox":
        user = callees.user(organisation_id, owner_id)
        assert user is not None
        return Decision(_mailbox_access(user, dialled))
    if kind == "team":
        team = callees.team(organisation_id, owner_id)
        assert team is not None
        return _for_team(callees, team, dialled, caller)
    user = callees.user(organisation_id, owner_id)
    assert user is not None
    steps, reasons, delegated = _for_user(callees, user, caller, ring_seconds, visited=(), intended=user)
    return Decision(Plan(organisation_id, dialled, "user", user.user_id, steps, reasons, delegated))


def _mailbox_access(user: UserView, dialled: str) -> Plan:
    """The user's mailbox number (§3.1.1): straight to the mailbox, whatever the user's
    location or VIPs; the gateway lets the caller sign in with star, and asks the mailbox
    what callers hear (extended absence included). With availability No messages (§3.6)
    callers hear the greeting and cannot leave a message; the owner can still sign in."""
    no_messages = user.availability == "no_messages"
    reasons = [
        f"{dialled} is your mailbox number: callers reach your mailbox directly and you can press "
        "star to sign in with your password (§3.1.1)."
    ]
    if no_messages:
        reasons.append(
            "Callers hear your greeting and cannot leave a message, because your availability is "
            "No messages (§3.6)."
        )
    return Plan(
        user.organisation_id,
        dialled,
        "user",
        user.user_id,
        (_voicemail(user, no_messages=no_messages),),
        tuple(reasons),
        mailbox_access=True,
    )


def _voicemail(user: UserView, *, no_messages: bool) -> Step:
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
        return _voicemail(self.user, no_messages=self.no_messages if no_messages is None else no_messages)


def _for_user(
    callees: Callees,
    user: UserView,
    caller: Caller,
    ring_seconds: int,
    *,
    visited: tuple[str, ...],
    intended: UserView,
) -> Outcome:
    """Steps, reasons and the users who delegated along the way, for a call to ``user``:
    the first of the guide's rules that applies, in the guide's order."""
    call = _Call(callees, user, caller, ring_seconds, visited, intended)
    for rule in RULES:
        outcome = rule(call)
        if outcome is not None:
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
            (_voicemail(intended, no_messages=False),),
            (
                f"Calls go to {intended.display_name}'s voicemail: delegation loops back "
                f"({' → '.join([*chain, delegate.user_id])}), so nobody is rung twice.",
            ),
            chain,
        )
    steps, reasons, delegated_from = _for_user(
        call.callees, delegate, call.caller, call.ring_seconds, visited=chain, intended=intended
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
    _available,
    _divert_to_voicemail,
    _pc_ring,
    _delegate,
    _unknown_availability,
)
"""The guide's rules for a call to a user, in the order they apply (§3.9, §3.3, §4.1.2, §3.6)."""


def _for_team(callees: Callees, team: TeamView, dialled: str, caller: Caller) -> Decision:
    members, reasons = [], []
    for member_id in team.members:
        member = callees.user(team.organisation_id, member_id)
        if member is None or member.removed:
            continue
        why_not = _why_not_for_team(member, team)
        if why_not:
            reasons.append(f"{member.display_name} is not rung: {why_not}.")
        else:
            members.append(member)
    mailbox = f"team:{team.team_id}"
    if team.when_nobody_answers.startswith("transfer:"):
        last = Step(
            StepKind.RING,
            targets=(team.when_nobody_answers.removeprefix("transfer:"),),
            ring_seconds=team.ring_seconds,
        )
        last_words = f"the call is transferred to {last.targets[0]}"
    else:
        last = Step(StepKind.VOICEMAIL, mailbox=mailbox, greeting="permanent")
        last_words = "the call goes to the team's voicemail"
    if not members:
        return Decision(
            Plan(
                team.organisation_id,
                dialled,
                "team",
                team.team_id,
                (last,),
                (*reasons, f"Nobody in {team.name} is available for team calls, so {last_words} (§3.7)."),
            )
        )
    rotate = 0
    if team.strategy == "round_robin":
        rotate = team.next_first % len(members)
        members = members[rotate:] + members[:rotate]

    def ring(group: list[UserView]) -> Step:
        return Step(
            StepKind.QUEUE if team.kind == "queue" else StepKind.RING,
            targets=tuple(m.location_number or "" for m in group),
            ring_seconds=team.ring_seconds,
            answered_by=tuple(m.user_id for m in group),
            introduction=tuple(
                introduction_for(m, None, caller, delegated_or_team=True, team=team) for m in group
            ),
            max_wait_seconds=team.max_wait_seconds if team.kind == "queue" else None,
        )

    names = ", ".join(m.display_name for m in members)
    if team.kind == "queue":
        steps = (ring(members), last)
        reasons.append(
            f"Callers queue in order for {names}, waiting at most {team.max_wait_seconds or 'no limit'} s; "
            f"then {last_words}."
        )
    elif team.strategy == "all_at_once":
        steps = (ring(members), last)
        reasons.append(f"{names} ring at once for {team.ring_seconds} s; then {last_words}.")
    else:
        steps = (*(ring([m]) for m in members), last)
        order = "in order" if team.strategy == "in_order" else "in turn, starting with the next in the rota"
        reasons.append(
            f"{names} ring one after another ({order}), {team.ring_seconds} s each; then {last_words}."
        )
    advance = (team.organisation_id, team.team_id) if team.strategy == "round_robin" else None
    return Decision(Plan(team.organisation_id, dialled, "team", team.team_id, steps, tuple(reasons)), advance)


def _why_not_for_team(member: UserView, team: TeamView) -> str | None:
    if team.team_id not in member.active_in:
        return "not made active in this team by an administrator"
    if not member.available_for_team_calls:
        return "unavailable for team calls (§3.7)"
    if not member.reachable:
        return "location is None"
    if member.availability != "available":
        return f"availability is {member.availability.replace('_', ' ')}"
    return None
