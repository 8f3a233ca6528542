"""Dependencies shared by presence's endpoints, so signatures stay short."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from smartnumbers_kit.auth import CurrentPrincipal, Principal

from smartnumbers_presence.application import PresenceApplication
from smartnumbers_presence.call_manager_watch import CallManagerWatch


async def _app(request: Request) -> PresenceApplication:
    return request.app.state.presence


async def _published(request: Request) -> Callable[[], bool]:
    return request.app.state.runtime.wait_published


async def _watch(request: Request) -> CallManagerWatch:
    return request.app.state.call_manager_watch


App = Annotated[PresenceApplication, Depends(_app)]
Watch = Annotated[CallManagerWatch, Depends(_watch)]
Published = Annotated[Callable[[], bool], Depends(_published)]
"""Call after a change: returns once its events are on the bus (read-your-writes)."""


def subject_user(principal: Principal, user_id: str) -> str:
    """``me`` is the caller; anyone else is addressed by id within the caller's organisation."""
    return principal.user_id if user_id == "me" else user_id


__all__ = ["App", "CurrentPrincipal", "Published", "Watch", "subject_user"]
