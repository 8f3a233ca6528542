"""Dependencies shared by the mailbox's endpoints, and who may reach which mailbox.

A user reaches their own mailbox and the mailboxes of the teams they are members of.
An administrator manages anyone's greetings and settings in the organisation but does
not list or play their messages and faxes. The gateway (role ``service``) does
everything, for callers and for users signed in with their PIN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Annotated

from fastapi import Depends, Path, Request
from smartnumbers_kit.auth import CurrentPrincipal, Principal, Role
from smartnumbers_kit.errors import Forbidden, Invalid

from smartnumbers_mailbox.application import Address, MailboxApplication
from smartnumbers_mailbox.blobs import BlobStore
from smartnumbers_mailbox.settings import MailboxSettings


class Purpose(Enum):
    LISTEN = "listen to messages and faxes"
    MANAGE = "manage greetings and settings"


async def _app(request: Request) -> MailboxApplication:
    return request.app.state.mailbox


async def _now(request: Request) -> datetime:
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


async def _settings(request: Request) -> MailboxSettings:
    return request.app.state.settings


async def _blobs(request: Request) -> BlobStore:
    return request.app.state.blobs


App = Annotated[MailboxApplication, Depends(_app)]
Now = Annotated[datetime, Depends(_now)]
Settings = Annotated[MailboxSettings, Depends(_settings)]
Blobs = Annotated[BlobStore, Depends(_blobs)]
KIND = Path(pattern="^(users|teams)$", description="`users` or `teams`")
OWNER = Path(pattern=r"^(me|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$", description="A user or team id, or `me`")


def reach(principal: Principal, app: MailboxApplication, kind: str, owner: str, purpose: Purpose) -> Address:
    """The mailbox addressed, if ``principal`` may reach it for ``purpose``; else 403."""
    if kind == "teams" and owner == "me":
        raise Invalid("`me` names a user: address a team by its id")
    address = ("user", principal.user_id if owner == "me" else owner) if kind == "users" else ("team", owner)
    if principal.role is Role.SERVICE:
        return address
    if purpose is Purpose.MANAGE and principal.role is Role.ADMIN:
        return address
    if address == ("user", principal.user_id):
        return address
    if address[0] == "team" and app.is_member(principal.organisation_id, owner, principal.user_id):
        return address
    raise Forbidden(f"you may not {purpose.value} of {address[0]} {address[1]!r}: it is not your mailbox")


@dataclass(frozen=True)
class Reached:
    """A mailbox the caller may reach for the endpoint's purpose."""

    principal: Principal
    address: Address

    @property
    def org(self) -> str:
        return self.principal.organisation_id

    @property
    def base(self) -> str:
        return base_path(self.address)


def base_path(address: Address) -> str:
    return f"/v1/mailboxes/{address[0]}s/{address[1]}"


def _listening(principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER) -> Reached:
    return Reached(principal, reach(principal, app, kind, owner, Purpose.LISTEN))


def _managing(principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER) -> Reached:
    return Reached(principal, reach(principal, app, kind, owner, Purpose.MANAGE))


def _depositing(principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER) -> Reached:
    require_service(principal)
    at = Reached(principal, reach(principal, app, kind, owner, Purpose.LISTEN))
    app.mailbox(at.org, at.address)  # refused before a long upload is read
    return at


Listening = Annotated[Reached, Depends(_listening)]
"""Messages and faxes: the owner, a team's members, the gateway."""
Managing = Annotated[Reached, Depends(_managing)]
"""Greetings and settings: also an administrator of the organisation."""
Depositing = Annotated[Reached, Depends(_depositing)]
"""What callers leave: the gateway only."""


def require_service(principal: Principal) -> None:
    if principal.role is not Role.SERVICE:
        raise Forbidden("only the telephony gateway deposits recordings and faxes left by callers")


def recipients(to: list[str]) -> list[Address]:
    """``user:bob`` or ``team:sales`` → addresses; refuses anything else by name."""
    found: list[Address] = []
    for item in to:
        kind, _, owner = item.partition(":")
        if kind not in ("user", "team") or not owner:
            raise Invalid(f"the recipient {item!r} is not user:<id> or team:<id>")
        found.append((kind, owner))
    if not found:
        raise Invalid("choose at least one recipient (to=user:<id> or to=team:<id>)")
    return found


__all__ = [
    "App",
    "Blobs",
    "CurrentPrincipal",
    "Depositing",
    "Listening",
    "Managing",
    "Now",
    "Reached",
    "Settings",
    "base_path",
    "recipients",
    "require_service",
]
