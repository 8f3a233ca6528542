"""Dependencies shared by routing's endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from smartnumbers_kit.auth import CurrentPrincipal

from smartnumbers_routing.call_log import CallLog
from smartnumbers_routing.planner import Planner
from smartnumbers_routing.read_model import RoutingView


async def _planner(request: Request) -> Planner:
    return request.app.state.planner


async def _view(request: Request) -> RoutingView:
    return request.app.state.view


async def _call_log(request: Request) -> CallLog:
    return request.app.state.call_log


PlannerDep = Annotated[Planner, Depends(_planner)]
View = Annotated[RoutingView, Depends(_view)]
Calls = Annotated[CallLog, Depends(_call_log)]

__all__ = ["Calls", "CurrentPrincipal", "PlannerDep", "View"]
