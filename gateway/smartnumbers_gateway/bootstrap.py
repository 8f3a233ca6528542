"""The composition root: the only place that reads settings and opens connections."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from nats.aio.client import Client

from smartnumbers_gateway.fastagi import FastAgiServer
from smartnumbers_gateway.incoming import IncomingCalls, PlansInFlight
from smartnumbers_gateway.settings import GatewaySettings
from smartnumbers_kit import bus
from smartnumbers_kit.http import create_http_app
from smartnumbers_kit.logs import configure_logging

log = logging.getLogger(__name__)

DESCRIPTION = (
    "The gateway between Asterisk and the bus: the FastAGI server the shipped dialplan "
    "calls for every routing decision, and (next) AMI for call control and call events."
)


class GatewayRuntime:
    def __init__(self, nc: Client, agi: FastAgiServer, server: asyncio.Server) -> None:
        self.nc, self.agi, self.server = nc, agi, server

    async def readiness(self) -> dict[str, bool]:
        return {"nats": self.nc.is_connected, "fastagi": self.server.is_serving()}


def bootstrap(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(http: FastAPI) -> AsyncIterator[None]:
        nc = await bus.connect(settings.nats_url, settings.service_name)
        plans = PlansInFlight()
        agi = FastAgiServer(header_timeout=settings.agi_header_timeout)
        agi.add_route("incoming", IncomingCalls(nc, settings.dial_template, settings.routing_timeout, plans))
        server = await agi.serve(settings.agi_host, settings.agi_port, settings.agi_backlog)
        log.info("FastAGI listening on %s:%s", settings.agi_host, settings.agi_port)
        http.state.runtime = GatewayRuntime(nc, agi, server)
        http.state.plans = plans
        try:
            yield
        finally:
            server.close()
            await server.wait_closed()
            await nc.drain()

    return create_http_app(title="smartnumbers gateway", description=DESCRIPTION, lifespan=lifespan)
