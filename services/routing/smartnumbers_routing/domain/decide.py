"""The decision: who a call is for, and the steps that follow (user guide §3.1.1, §3.3 to §3.9, §4.1.2).

``decide`` is pure: it reads a snapshot through ``Callees`` and returns a ``Plan``
with the reasons, in the callee's words, that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from smartnumbers_routing.domain.callees import Callees, Caller, TeamView, UserView
from smartnumbers_routing.domain.introduction import introduction_for
from smartnumbers_routing.domain.plan import Plan, Step, StepKind
from smartnumbers_routing.domain.user_rules import for_user, voicemail


@dataclass(frozen=True)
class Decision:
    plan: Plan
    round_robin_advance: tuple[str, str] | None = None
    """(organisation, team) whose round-robin start moves on once this plan is used."""


def decide(callees: Callees, dialled: str, caller: Caller, ring_seconds: int = 20) -> Decision:
    owner = callees.owner_of(None, dialled)
    if owner is None:
        return Decision(
            Plan(
                "",
                dialled,
                "unknown",
                None,
                (),
                (f"{dialled} is nobody's smartnumber",),
                rules=("unknown number",),
            )
        )
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
    applied: list[str] = []
    steps, reasons, delegated = for_user(
        callees, user, caller, ring_seconds, visited=(), intended=user, applied=applied
    )
    return Decision(
        Plan(organisation_id, dialled, "user", user.user_id, steps, reasons, delegated, rules=tuple(applied))
    )


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
        (voicemail(user, no_messages=no_messages),),
        tuple(reasons),
        mailbox_access=True,
        rules=("§3.1.1 mailbox number",),
    )


def _for_team(callees: Callees, team: TeamView, dialled: str, caller: Caller) -> Decision:
    """Beyond the guide: while the organisation is closed (opening hours, holidays), the team's
    overflow team takes the call (whatever the hours), else the team's greeting and mailbox."""
    why = callees.closed_because(team.organisation_id)
    if why is None:
        return _open_team(callees, team, dialled, caller)
    closed = f"{team.name} is closed because {why}"
    overflow = callees.overflow_team(team.organisation_id, team.team_id)
    if overflow is not None:
        taken = _open_team(callees, overflow, dialled, caller)
        plan = taken.plan
        return Decision(
            replace(
                plan,
                call_for=team.team_id,
                reasons=(f"{closed}: its calls go to {overflow.name} (opening hours).", *plan.reasons),
                rules=("opening hours: closed, overflow team", *plan.rules),
            ),
            taken.round_robin_advance,
        )
    return Decision(
        Plan(
            team.organisation_id,
            dialled,
            "team",
            team.team_id,
            (Step(StepKind.VOICEMAIL, mailbox=f"team:{team.team_id}", greeting="permanent"),),
            (f"{closed}: callers hear the team's greeting and may leave a message (opening hours).",),
            rules=("opening hours: closed",),
        )
    )


def _open_team(callees: Callees, team: TeamView, dialled: str, caller: Caller) -> Decision:
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
                rules=("§3.7 team: nobody available",),
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
    steps: tuple[Step, ...]
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
    rules = (f"§3.7 {team.kind}: {team.strategy.replace('_', ' ')}",)
    return Decision(
        Plan(team.organisation_id, dialled, "team", team.team_id, steps, tuple(reasons), rules=rules), advance
    )


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
