"""The composition root: the only place that reads settings and opens connections."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from smartnumbers_kit.auth import TokenVerifier
from smartnumbers_kit.http import create_http_app
from smartnumbers_kit.logs import configure_logging
from smartnumbers_kit.revocation import Revocations
from smartnumbers_kit.runtime import Runtime
from smartnumbers_kit.store import persistence_env

from smartnumbers_presence.application import PresenceApplication
from smartnumbers_presence.call_manager_watch import CallManagerWatch
from smartnumbers_presence.directory_events import directory_subscription
from smartnumbers_presence.http import feed, ring_sequence, routes, schedule
from smartnumbers_presence.publishing import PresenceContracts
from smartnumbers_presence.schedule_watch import ScheduleWatch
from smartnumbers_presence.settings import PresenceSettings

log = logging.getLogger(__name__)

DESCRIPTION = (
    "Where each user is (Desk, Mobile, Home, Temporary, None), how their calls are "
    "answered (Available, Voicemail, PC ring, Delegate, No messages), team availability, "
    "hot-desking and Call Manager connections. User guide §3.3, §3.6, §3.7."
)


def bootstrap(
    settings: PresenceSettings | None = None, clock: Callable[[], datetime] | None = None
) -> FastAPI:
    settings = settings or PresenceSettings()
    clock = clock or (lambda: datetime.now(UTC))
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(http: FastAPI) -> AsyncIterator[None]:
        app = PresenceApplication(
            persistence_env(settings, "presence"), default_country=settings.default_country
        )
        runtime = Runtime(
            settings,
            app,
            publishes="presence",
            to_contracts=PresenceContracts(app),
            subscriptions=[directory_subscription(app)],
        )
        watch = CallManagerWatch(app, clock, timedelta(seconds=settings.call_manager_ttl_seconds))
        http.state.presence = app
        http.state.runtime = runtime
        http.state.call_manager_watch = watch
        schedules = ScheduleWatch(app, clock)
        http.state.schedule_watch = schedules

        async def share_heartbeats(_nc: object, js: object) -> None:
            try:
                await watch.share(js, settings.stream_replicas)
            except Exception as e:  # this replica still goes by the heartbeats it receives itself
                log.error("cannot open the shared Call Manager heartbeats (%s): not shared", e)

        runtime.when_connected(share_heartbeats)
        revocations = Revocations()  # users whose sessions ended: their earlier tokens are refused
        runtime.when_connected(revocations.follow, revocations.stop)
        http.state.token_verifier = TokenVerifier.from_settings(settings, revocations=revocations)
        await runtime.start()
        sweeper = asyncio.create_task(watch.run(settings.call_manager_sweep_seconds))
        switcher = asyncio.create_task(schedules.run(settings.schedule_sweep_seconds))
        try:
            yield
        finally:
            sweeper.cancel()
            switcher.cancel()
            await runtime.stop()

    http = create_http_app(title="smartnumbers presence", description=DESCRIPTION, lifespan=lifespan)
    http.include_router(routes.router)
    http.include_router(feed.router)
    http.include_router(ring_sequence.router)
    http.include_router(schedule.router)
    return http
