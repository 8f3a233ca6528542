"""Dependencies shared by the directory's endpoints, so signatures stay short.

They only read ``app.state``: ``async def``, so they never cost a thread-pool hop.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from smartnumbers_directory.application import DirectoryApplication
from smartnumbers_directory.settings import DirectorySettings
from smartnumbers_directory.signing import TokenIssuer
from smartnumbers_kit.auth import CurrentPrincipal, PasswordChangePrincipal, Principal, Role
from smartnumbers_kit.errors import Forbidden


async def _app(request: Request) -> DirectoryApplication:
    return request.app.state.directory


async def _issuer(request: Request) -> TokenIssuer:
    return request.app.state.issuer


async def _settings(request: Request) -> DirectorySettings:
    return request.app.state.settings


async def _now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


async def _admin(principal: CurrentPrincipal) -> Principal:
    principal.require_admin()
    return principal


async def _staff(principal: CurrentPrincipal) -> Principal:
    if principal.role is Role.PUBLIC:
        raise Forbidden("a public directory token may only search and read what is public")
    return principal


App = Annotated[DirectoryApplication, Depends(_app)]
Issuer = Annotated[TokenIssuer, Depends(_issuer)]
Settings = Annotated[DirectorySettings, Depends(_settings)]
Now = Annotated[datetime, Depends(_now)]
Admin = Annotated[Principal, Depends(_admin)]
Staff = Annotated[Principal, Depends(_staff)]


def Id() -> Any:
    """A path identifier (a new ``Path`` each time: FastAPI binds one to one parameter name)."""
    return Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="An identifier")


UserId = Path(pattern=r"^(me|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$", description="A user id, or `me`")


def subject_user(principal: Principal, user_id: str) -> str:
    return principal.user_id if user_id == "me" else user_id


__all__ = [
    "Admin",
    "App",
    "CurrentPrincipal",
    "Id",
    "Issuer",
    "Now",
    "PasswordChangePrincipal",
    "Settings",
    "Staff",
    "UserId",
    "subject_user",
]
