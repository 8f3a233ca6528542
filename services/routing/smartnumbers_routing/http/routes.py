"""Routing's REST API: explain mode (where would a call go, and why) and the call statistics (§8.2)."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Query, Request
from smartnumbers_contracts import routing as wire
from smartnumbers_contracts.schedule import zone
from smartnumbers_kit.auth import Principal, Role
from smartnumbers_kit.errors import Forbidden, Invalid, NotFound

from smartnumbers_routing.http.deps import Calls, CurrentPrincipal, PlannerDep, View
from smartnumbers_routing.http.schemas import CallEntry, SummaryEntry
from smartnumbers_routing.http.why_schemas import CallWithWhy, Why

router = APIRouter(prefix="/v1", tags=["routing"])
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def _e164(number: str, what: str) -> str:
    compact = re.sub(r"[\s()-]", "", number)
    if not E164.match(compact):
        raise Invalid(f"the {what} number {number!r} must be in international format, like +441632960001")
    return compact


async def _caught_up(request: Request) -> None:
    """Read-your-writes: apply everything presence and the directory have published so far."""
    followers = getattr(request.app.state, "followers", [])
    await asyncio.gather(*(f.catch_up(timeout=1.0) for f in followers))


@router.get("/route", response_model=wire.RoutingPlan, summary="Where a call would go now, and why")
async def explain(
    request: Request,
    principal: CurrentPrincipal,
    planner: PlannerDep,
    view: View,
    to: str = Query(
        min_length=1,
        max_length=32,
        description="The smartnumber, team number or mailbox number dialled (E.164)",
    ),
    from_: str | None = Query(
        default=None, alias="from", max_length=32, description="The caller's number (E.164)"
    ),
    name: str | None = Query(
        default=None, max_length=100, description="The caller's name, if the network gave one"
    ),
    at: str | None = Query(
        default=None,
        max_length=40,
        description="When (ISO 8601): default now. Without a UTC offset it is read in the callee's "
        "schedule time zone, so 2026-11-28T19:00 is 19:00 on that Saturday where they are",
    ),
) -> wire.RoutingPlan:
    dialled = _e164(to, "dialled")
    caller = _e164(from_, "caller's") if from_ else None
    await _caught_up(request)
    owner = view.owner_of(principal.organisation_id, dialled)
    if owner is None:
        raise NotFound(f"nobody in your organisation has the number {dialled}")
    _may_explain(principal, view, owner)
    now = datetime.now(UTC)
    when = _when(at, view, owner) if at else now
    return planner.explain_at(
        wire.PlanRequest(call_id="explain", dialled=dialled, caller_number=caller, caller_name=name, at=when),
        now,
    )


def _when(at: str, view: View, owner: tuple[str, str, str]) -> datetime:
    """``at`` as an aware datetime; without an offset, in the callee's schedule time zone (else UTC)."""
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        raise Invalid(f"at={at!r} is not an ISO 8601 date and time, like 2026-11-28T19:00") from None
    if when.tzinfo is None:
        user = view.user(owner[0], owner[2]) if owner[1] in ("user", "mailbox") else None
        tz = zone(user.time_zone) if user and user.time_zone else UTC
        when = when.replace(tzinfo=tz)
    return when.astimezone(UTC)


def _may_explain(principal: Principal, view: View, owner: tuple[str, str, str]) -> None:
    organisation_id, kind, owner_id = owner
    if principal.role in (Role.ADMIN, Role.SERVICE):
        return
    if kind in ("user", "mailbox") and owner_id == principal.user_id:
        return
    if kind == "team":
        team = view.team(organisation_id, owner_id)
        if team and principal.user_id in team.members:
            return
    raise Forbidden("only the person called (or a member of the team) or an administrator may see this")


def _subject(principal: Principal, user_id: str | None) -> str | None:
    """Whose calls: yourself by default; anyone's, or the whole organisation's (no user), for an admin
    (the organisation's also for a service: notify's reports)."""
    if user_id in (None, "me"):
        return principal.user_id
    if user_id == "*":
        if principal.role is not Role.SERVICE:  # notify reads them for the reports (§8.1)
            principal.require_admin()
        return None
    if user_id != principal.user_id:
        principal.require_admin()
    return user_id


@router.get(
    "/calls",
    response_model=list[CallWithWhy],
    summary="Calls that involved a user (§8.2), each with why it went where it went",
)
def calls(
    principal: CurrentPrincipal,
    log: Calls,
    user_id: str | None = Query(
        default=None,
        pattern=r"^(me|\*|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$",
        description="me (default), a user id (admin), or * (admin: all)",
    ),
    missed_only: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = Query(default=200, ge=1, le=1000),
) -> list[CallWithWhy]:
    subject = _subject(principal, user_id)
    found = log.calls(principal.organisation_id, subject, missed_only=missed_only, since=since, until=until)
    entries = []
    for r in found[:limit]:
        routing = log.routing_of(r.organisation_id, r.call_id)
        why = Why.of(routing, r) if routing is not None else None
        entries.append(CallWithWhy(**CallEntry.of(r).model_dump(), why=why))
    return entries


@router.get("/calls/summary", response_model=list[SummaryEntry], summary="Calls per day or week (§8.2)")
def summary(
    principal: CurrentPrincipal,
    log: Calls,
    period: Literal["day", "week"] = "day",
    user_id: str | None = Query(
        default=None,
        pattern=r"^(me|\*|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$",
        description="me (default), a user id (admin), or * (admin: all)",
    ),
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[SummaryEntry]:
    subject = _subject(principal, user_id)
    return [SummaryEntry.of(s) for s in log.summary(principal.organisation_id, subject, period, since, until)]
