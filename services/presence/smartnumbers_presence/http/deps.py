"""Dependencies shared by presence's endpoints, so signatures stay short."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from smartnumbers_kit.auth import CurrentPrincipal, Principal
from smartnumbers_presence.application import PresenceApplication
from smartnumbers_presence.call_manager_watch import CallManagerWatch


def _app(request: Request) -> PresenceApplication:
    return request.app.state.presence


def _watch(request: Request) -> CallManagerWatch:
    return request.app.state.call_manager_watch


App = Annotated[PresenceApplication, Depends(_app)]
Watch = Annotated[CallManagerWatch, Depends(_watch)]


def subject_user(principal: Principal, user_id: str) -> str:
    """``me`` is the caller; anyone else is addressed by id within the caller's organisation."""
    return principal.user_id if user_id == "me" else user_id


__all__ = ["App", "CurrentPrincipal", "Watch", "subject_user"]
