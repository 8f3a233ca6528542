"""Dependencies shared by notify's endpoints, so signatures stay short."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from smartnumbers_kit.auth import CurrentPrincipal, Principal

from smartnumbers_notify.application import NotifyApplication
from smartnumbers_notify.dispatcher import Dispatcher


async def _app(request: Request) -> NotifyApplication:
    return request.app.state.notify


async def _dispatcher(request: Request) -> Dispatcher:
    return request.app.state.dispatcher


App = Annotated[NotifyApplication, Depends(_app)]
Deliveries = Annotated[Dispatcher, Depends(_dispatcher)]


def subject_user(principal: Principal, user_id: str) -> str:
    """``me`` is the caller; anyone else is addressed by id within the caller's organisation."""
    return principal.user_id if user_id == "me" else user_id


__all__ = ["App", "CurrentPrincipal", "Deliveries", "subject_user"]
