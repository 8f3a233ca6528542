"""A past call against today's settings: what would differ (the record of why, replayed)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from smartnumbers_contracts import routing as wire
from smartnumbers_kit.auth import Role
from smartnumbers_kit.errors import NotFound
from smartnumbers_kit.http import errors

from smartnumbers_routing.domain.call_routing import differences
from smartnumbers_routing.http.deps import Calls, CurrentPrincipal, PlannerDep
from smartnumbers_routing.http.routes import _caught_up
from smartnumbers_routing.http.why_schemas import Replay, Why

router = APIRouter(prefix="/v1", tags=["routing"])


@router.get(
    "/calls/{call_id}/replay",
    response_model=Replay,
    summary="A past call replayed against today's settings: what would differ",
    responses=errors(404, s404="No call of yours with that id (or no plan was kept for it)"),
)
async def replay(
    request: Request,
    principal: CurrentPrincipal,
    log: Calls,
    planner: PlannerDep,
    call_id: str = Path(max_length=128),
) -> Replay:
    record = log.call(principal.organisation_id, call_id)
    routing = log.routing_of(principal.organisation_id, call_id)
    missing = NotFound(f"there is no call {call_id!r} of yours with a routing plan")
    if record is None or routing is None:
        raise missing
    if principal.role not in (Role.ADMIN, Role.SERVICE) and not record.involves(principal.user_id):
        raise missing  # another user's call: as if it did not exist
    await _caught_up(request)
    today = planner.explain(
        wire.PlanRequest(
            call_id=call_id,
            dialled=record.dialled,
            caller_number=record.caller_number,
            at=record.started_at,
        )
    )
    then = routing.plan
    said = differences(then, today.model_dump(mode="json"))
    return Replay(call_id=call_id, then=Why.of(routing, record), today=today, same=not said, differences=said)
