"""A user's weekly schedule: read, set, clear (presence switches at each period's start)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from smartnumbers_kit.http import errors

from smartnumbers_presence.http.colleagues import PRIVATE_READ, require_reading_everything_of
from smartnumbers_presence.http.deps import App, CurrentPrincipal, Published, subject_user
from smartnumbers_presence.http.routes import UserId
from smartnumbers_presence.http.schedule_schemas import Schedule, ScheduleBody
from smartnumbers_presence.schedule_watch import ScheduleWatch

router = APIRouter(prefix="/v1", tags=["presence"])
READ = errors(403, 404, s403=PRIVATE_READ, s404="No such user in your organisation")
CHANGE = errors(
    404,
    409,
    s404="No such user in your organisation",
    s409="Changed at the same moment by someone else: try again",
)


async def _watch(request: Request) -> ScheduleWatch:
    return request.app.state.schedule_watch


Watch = Annotated[ScheduleWatch, Depends(_watch)]


def _now(watch: ScheduleWatch) -> datetime:
    clock: Callable[[], datetime] = watch.clock
    return clock()


@router.get(
    "/users/{user_id}/schedule",
    response_model=Schedule,
    summary="A user's weekly schedule (theirs and their administrators' to read)",
    responses=READ,
)
def read_schedule(principal: CurrentPrincipal, app: App, watch: Watch, user_id: str = UserId) -> Schedule:
    target = subject_user(principal, user_id)
    require_reading_everything_of(principal, target, "schedule")
    return Schedule.of(app.presence_of(principal.organisation_id, target), _now(watch))


@router.put(
    "/users/{user_id}/schedule",
    response_model=Schedule,
    summary="Set the weekly schedule (periods → location and/or availability; empty: none)",
    responses=CHANGE,
)
def set_schedule(
    body: ScheduleBody,
    principal: CurrentPrincipal,
    app: App,
    watch: Watch,
    published: Published,
    user_id: str = UserId,
) -> Schedule:
    target = subject_user(principal, user_id)
    principal.require_acting_for(target)
    app.set_schedule(principal.organisation_id, target, body.time_zone, body.periods, _now(watch))
    watch.scheduled(principal.organisation_id, target, bool(body.periods))
    published()
    return Schedule.of(app.presence_of(principal.organisation_id, target), _now(watch))
