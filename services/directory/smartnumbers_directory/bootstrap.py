"""The composition root: the only place that reads settings and opens connections."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI
from smartnumbers_directory.application import DirectoryApplication
from smartnumbers_directory.hashing import Argon2Hasher
from smartnumbers_directory.http import (
    contacts,
    founding,
    groups,
    lists,
    opening_hours,
    people,
    search,
    sessions,
    web_preferences,
)
from smartnumbers_directory.presence_events import presence_subscription
from smartnumbers_directory.publishing import DirectoryContracts
from smartnumbers_directory.settings import DirectorySettings
from smartnumbers_directory.signing import PUBLIC_AUDIENCE, TokenIssuer
from smartnumbers_kit.auth import TokenVerifier
from smartnumbers_kit.http import create_http_app
from smartnumbers_kit.logs import configure_logging
from smartnumbers_kit.revocation import Revocations
from smartnumbers_kit.runtime import Runtime
from smartnumbers_kit.store import persistence_env

log = logging.getLogger(__name__)

DESCRIPTION = (
    "Who is who in an organisation and how they sign in: users, Virtual Teams and Queues, "
    "contacts with who may see and edit them, address books (Phone Book, VIPs, Call List), "
    "groups and SMS to a group, search with live presence, reverse lookup, passwords, tokens "
    "and the JWKS every service verifies them with. User guide §2, §3.1-3.2, §4, §7.4."
)


def application(settings: DirectorySettings, *, read_side: bool = True) -> DirectoryApplication:
    """The directory's store, as the service and the admin CLI open it."""
    hasher = Argon2Hasher(time_cost=settings.argon2_time_cost, memory_cost_kib=settings.argon2_memory_kib)
    return DirectoryApplication(persistence_env(settings, "directory"), hasher=hasher, read_side=read_side)


def bootstrap(
    settings: DirectorySettings | None = None, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or DirectorySettings()
    clock = clock or (lambda: datetime.now(UTC))
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(http: FastAPI) -> AsyncIterator[None]:
        app = application(settings)  # replays the store into the read side
        # The read side is large and long-lived: keep the collector from walking it again and again.
        gc.collect()
        gc.freeze()
        runtime = Runtime(
            settings,
            app,
            publishes="directory",
            to_contracts=DirectoryContracts(app),
            subscriptions=[presence_subscription(app)],
            sends_commands_to=["notify"],
        )
        issuer = TokenIssuer(
            settings.signing_key_path().read_bytes(),
            audience=settings.jwt_audience,
            access_seconds=settings.access_token_seconds,
        )
        http.state.directory = app
        http.state.runtime = runtime
        http.state.settings = settings
        http.state.clock = clock
        http.state.issuer = issuer
        # Users whose sessions ended, from its own events on the bus, as every service learns them.
        revocations = Revocations()
        runtime.when_connected(revocations.follow, revocations.stop)
        # The directory trusts its own key directly, and also accepts public directory tokens.
        http.state.token_verifier = TokenVerifier(
            None,
            audience=[settings.jwt_audience, PUBLIC_AUDIENCE],
            issuers=settings.jwt_issuers,
            key_for=_own_or_configured(issuer, settings),
            revocations=revocations,
        )
        await runtime.start()
        follower = asyncio.create_task(_follow_the_log(app, settings.log_follow_seconds))
        try:
            yield
        finally:
            follower.cancel()
            await runtime.stop()

    http = create_http_app(title="smartnumbers directory", description=DESCRIPTION, lifespan=lifespan)
    for module in (
        search,
        sessions,
        people,
        contacts,
        groups,
        founding,
        opening_hours,
        web_preferences,
    ):  # the gateway's hot path first
        http.include_router(module.router)
    http.include_router(lists.router)
    return http


async def _follow_the_log(app: DirectoryApplication, every_seconds: float = 1.0) -> None:
    """Commits made here update the read side at once; this picks up the others (another
    replica; the admin CLI when no directory answered it) within a second."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            await asyncio.to_thread(app.projection.catch_up)
        except Exception:
            log.exception("the read side could not follow the event log; retrying")


def _own_or_configured(issuer: TokenIssuer, settings: DirectorySettings) -> Callable[[str], Any]:
    """Tokens this directory signed (kid = its key) verify with its own public key; others
    (development tokens) with the configured public key file, when there is one."""
    own = issuer.public_key()
    path = settings.public_key_path()
    other = serialization.load_pem_public_key(path.read_bytes()) if path.exists() else None

    def key_for(token: str) -> Any:
        if jwt.get_unverified_header(token).get("kid") == issuer.kid or other is None:
            return own
        return other

    return key_for
