"""The composition root: the only place that reads settings and opens connections."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from nats.aio.client import Client
from nats.js import JetStreamContext
from smartnumbers_kit.auth import TokenVerifier
from smartnumbers_kit.follower import StreamFollower
from smartnumbers_kit.http import create_http_app
from smartnumbers_kit.logs import configure_logging
from smartnumbers_kit.revocation import Revocations
from smartnumbers_kit.runtime import Runtime
from smartnumbers_kit.store import persistence_env

from smartnumbers_routing.application import RoutingApplication
from smartnumbers_routing.call_log import CallLog
from smartnumbers_routing.gateway_events import gateway_subscription
from smartnumbers_routing.http import routes, why
from smartnumbers_routing.planner import Planner
from smartnumbers_routing.publishing import RoutingContracts
from smartnumbers_routing.read_model import RoutingView
from smartnumbers_routing.responder import PlanResponder
from smartnumbers_routing.settings import RoutingSettings

DESCRIPTION = (
    "Where every call to a smartnumber or team number goes, and why (user guide §3.3–§3.9, "
    "§4.1.2); the record of every call and its statistics (§8.2)."
)


def bootstrap(settings: RoutingSettings | None = None) -> FastAPI:
    settings = settings or RoutingSettings()
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(http: FastAPI) -> AsyncIterator[None]:
        app = RoutingApplication(persistence_env(settings, "routing"))
        view = RoutingView()
        planner = Planner(view, settings.ring_seconds)
        runtime = Runtime(
            settings,
            app,
            publishes="routing",
            to_contracts=RoutingContracts(app),
            subscriptions=[gateway_subscription(app)],
        )
        followers: list[StreamFollower] = []

        async def follow(_: Client, js: JetStreamContext) -> None:
            subjects = {c.subject for c in view.contracts}
            for domain in ("directory", "presence", "mailbox"):
                follower = StreamFollower(js, domain, view.apply, subjects)
                await follower.start()
                followers.append(follower)
            for follower in followers:
                await follower.caught_up.wait()

        async def unfollow() -> None:
            for follower in followers:
                await follower.stop()

        responder = PlanResponder(planner)
        runtime.when_connected(follow, unfollow)
        runtime.when_connected(responder.start, responder.stop)
        http.state.runtime = runtime
        http.state.view = view
        http.state.planner = planner
        http.state.followers = followers
        http.state.call_log = CallLog(app)
        revocations = Revocations()  # users whose sessions ended: their earlier tokens are refused
        runtime.when_connected(revocations.follow, revocations.stop)
        http.state.token_verifier = TokenVerifier.from_settings(settings, revocations=revocations)
        await runtime.start()
        try:
            yield
        finally:
            await runtime.stop()

    http = create_http_app(title="smartnumbers routing", description=DESCRIPTION, lifespan=lifespan)
    http.include_router(routes.router)
    http.include_router(why.router)
    return http
