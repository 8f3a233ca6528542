"""Dependencies shared by the gateway's endpoints, so signatures stay short and no endpoint
reads ``request.app.state`` itself (everything here is made by ``bootstrap``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from nats.js import JetStreamContext
from smartnumbers_contracts import Contract
from smartnumbers_kit.auth import CurrentPrincipal, Principal, Role
from smartnumbers_kit.errors import Forbidden

from smartnumbers_gateway.asterisk.ami import AmiLink
from smartnumbers_gateway.clients.directory import DirectoryClient
from smartnumbers_gateway.clients.presence import PresenceClient
from smartnumbers_gateway.clients.service_tokens import ServiceTokens
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_gateway.placed.originate import Placing
from smartnumbers_gateway.settings import GatewaySettings


async def _settings(request: Request) -> GatewaySettings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def _plans(request: Request) -> PlansInFlight:
    return request.app.state.plans  # type: ignore[no-any-return]


async def _placing(request: Request) -> Placing:
    return request.app.state.placing  # type: ignore[no-any-return]


async def _ami(request: Request) -> AmiLink | None:
    return request.app.state.runtime.ami  # type: ignore[no-any-return]


async def _publish(request: Request) -> Callable[[Contract], None]:
    return request.app.state.publisher.put  # type: ignore[no-any-return]


async def _tokens(request: Request) -> ServiceTokens:
    return request.app.state.service_tokens  # type: ignore[no-any-return]


async def _presence(request: Request) -> PresenceClient:
    return request.app.state.presence  # type: ignore[no-any-return]


async def _directory(request: Request) -> DirectoryClient:
    return request.app.state.directory  # type: ignore[no-any-return]


async def _js(request: Request) -> JetStreamContext:
    return request.app.state.runtime.js  # type: ignore[no-any-return]


async def _authorization(request: Request) -> str:
    """The caller's own ``Authorization`` header, to read other services as them."""
    return request.headers["authorization"]


Settings = Annotated[GatewaySettings, Depends(_settings)]
Plans = Annotated[PlansInFlight, Depends(_plans)]
Place = Annotated[Placing, Depends(_placing)]
Ami = Annotated[AmiLink | None, Depends(_ami)]
Publish = Annotated[Callable[[Contract], None], Depends(_publish)]
"""Puts a contract on the bus (in order, retried: ``CallEventPublisher``)."""
Tokens = Annotated[ServiceTokens, Depends(_tokens)]
Presence = Annotated[PresenceClient, Depends(_presence)]
Directory = Annotated[DirectoryClient, Depends(_directory)]
Bus = Annotated[JetStreamContext, Depends(_js)]
Authorization = Annotated[str, Depends(_authorization)]

__all__ = [
    "Ami",
    "Authorization",
    "Bus",
    "CurrentPrincipal",
    "Directory",
    "Place",
    "Plans",
    "Presence",
    "Publish",
    "Settings",
    "Tokens",
]


def _person(principal: CurrentPrincipal) -> Principal:
    """A user or an administrator: someone with a location the platform can ring."""
    if principal.role is Role.SERVICE:
        raise Forbidden("a service has no location to ring: ask as the person to be called")
    return principal


Person = Annotated[Principal, Depends(_person)]
"""The signed-in person (a service token is refused with 403: it has nowhere to be rung)."""
