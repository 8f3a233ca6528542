"""The composition root: the only place that reads settings and opens connections."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from smartnumbers_kit.auth import TokenVerifier
from smartnumbers_kit.http import create_http_app
from smartnumbers_kit.logs import configure_logging
from smartnumbers_kit.revocation import Revocations
from smartnumbers_kit.runtime import Runtime
from smartnumbers_kit.store import persistence_env

from smartnumbers_mailbox.application import MailboxApplication
from smartnumbers_mailbox.blobs import FileBlobStore
from smartnumbers_mailbox.directory_events import directory_subscription
from smartnumbers_mailbox.http import blobs, faxes, greetings, messages
from smartnumbers_mailbox.presence_events import presence_subscription
from smartnumbers_mailbox.publishing import MailboxContracts
from smartnumbers_mailbox.schedule import Housekeeping
from smartnumbers_mailbox.settings import MailboxSettings

DESCRIPTION = (
    "Voicemail and faxes of users and teams, greetings and name recordings, forwarding with "
    "annotations, broadcasts to teams, retention, extended absence and message waiting. "
    "User guide §3.4, §3.9, §5, §7.3. Recordings are uploaded and served as request and "
    "response bodies (WAV; other formats are converted), with range requests."
)


def bootstrap(
    settings: MailboxSettings | None = None, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or MailboxSettings()
    clock = clock or (lambda: datetime.now(UTC))
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(http: FastAPI) -> AsyncIterator[None]:
        store = FileBlobStore(settings.var_dir / "blobs")
        app = MailboxApplication(persistence_env(settings, "mailbox"), blobs=store)
        runtime = Runtime(
            settings,
            app,
            publishes="mailbox",
            to_contracts=MailboxContracts(app),
            subscriptions=[directory_subscription(app), presence_subscription(app)],
            sends_commands_to=["notify", "gateway"],
        )
        http.state.mailbox = app
        http.state.blobs = store
        http.state.runtime = runtime
        http.state.settings = settings
        http.state.clock = clock
        revocations = Revocations()  # users whose sessions ended: their earlier tokens are refused
        runtime.when_connected(revocations.follow, revocations.stop)
        http.state.token_verifier = TokenVerifier.from_settings(settings, revocations=revocations)
        await runtime.start()
        housekeeping = asyncio.create_task(Housekeeping(app, clock).run(settings.sweep_seconds))
        try:
            yield
        finally:
            housekeeping.cancel()
            await runtime.stop()

    http = create_http_app(
        title="smartnumbers mailbox",
        description=DESCRIPTION,
        lifespan=lifespan,
        max_upload_bytes=settings.max_upload_bytes,
    )
    for module in (messages, faxes, greetings, blobs):
        http.include_router(module.router)
    return http
