"""The composition root: the only place that reads settings and opens connections."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from nats.aio.client import Client
from smartnumbers_contracts import Contract
from smartnumbers_kit import bus
from smartnumbers_kit.acting_consumer import ActingConsumer
from smartnumbers_kit.auth import TokenVerifier
from smartnumbers_kit.http import create_http_app, error_body
from smartnumbers_kit.logs import configure_logging
from smartnumbers_kit.reconnect import connect_when_up
from smartnumbers_kit.revocation import Revocations

from smartnumbers_gateway.asterisk.ami import REQUIRED_MODULES, AmiLink
from smartnumbers_gateway.asterisk.fastagi import FastAgiServer
from smartnumbers_gateway.asterisk.self_check import MediaCheck
from smartnumbers_gateway.asterisk.sip_status import SipStatus
from smartnumbers_gateway.asterisk.speech import Speech
from smartnumbers_gateway.background import BackgroundTasks
from smartnumbers_gateway.clients.directory import DirectoryClient
from smartnumbers_gateway.clients.mailbox import MailboxClient
from smartnumbers_gateway.clients.presence import PresenceClient
from smartnumbers_gateway.clients.service_tokens import ServiceTokens
from smartnumbers_gateway.commands.fax_delivery import FaxDelivery
from smartnumbers_gateway.commands.fax_sending import FaxSending
from smartnumbers_gateway.commands.message_alert_call import MessageAlertCalls
from smartnumbers_gateway.commands.message_waiting import MessageWaiting
from smartnumbers_gateway.incoming import pc_ring
from smartnumbers_gateway.incoming.call import IncomingCalls
from smartnumbers_gateway.incoming.call_events import CallTracker
from smartnumbers_gateway.incoming.fax import FaxReception
from smartnumbers_gateway.incoming.from_phones import FromPhones
from smartnumbers_gateway.incoming.introduction import Introductions
from smartnumbers_gateway.incoming.pc_ring import PcRing
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_gateway.incoming.voicemail import OfferTransfer, Voicemail
from smartnumbers_gateway.phone.access import MailboxAccess
from smartnumbers_gateway.phone.session import Services
from smartnumbers_gateway.placed import call_manager, call_me, click_to_dial, message_alert
from smartnumbers_gateway.placed.message_alert import PlayNewMessages
from smartnumbers_gateway.placed.originate import Placing
from smartnumbers_gateway.placed.recording import RecordGreeting, SendVoicemail
from smartnumbers_gateway.publisher import CallEventPublisher
from smartnumbers_gateway.settings import GatewaySettings

log = logging.getLogger(__name__)

DESCRIPTION = (
    "The gateway between Asterisk and the bus: the FastAGI server the shipped dialplan "
    "calls for every routing decision and phone menu, and AMI for call control and call events."
)


class GatewayRuntime:
    def __init__(
        self, nc: Client, agi: FastAgiServer, server: asyncio.Server, ami: AmiLink | None, media: MediaCheck
    ) -> None:
        self.nc, self.agi, self.server, self.ami, self.media = nc, agi, server, ami, media
        self.js = nc.jetstream()

    async def readiness(self) -> dict[str, bool]:
        checks = {"nats": self.nc.is_connected, "fastagi": self.server.is_serving()}
        if self.ami is not None:
            checks["ami"] = self.ami.logged_in.is_set()
            for module in REQUIRED_MODULES:
                checks[f"asterisk_module_{module}"] = module not in self.ami.missing_modules
            checks |= self.ami.sip.checks()
            checks |= self.media.checks()
        return checks


def bootstrap(settings: GatewaySettings | None = None) -> FastAPI:
    settings = settings or GatewaySettings()
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(http: FastAPI) -> AsyncIterator[None]:
        nc = await connect_when_up(settings.nats_url, settings.service_name, settings.nats_credentials())
        js = nc.jetstream()
        revocations = Revocations()  # users whose sessions ended: their earlier tokens are refused
        await revocations.follow(nc, js)
        await bus.ensure_stream(js, "gateway", settings.stream_replicas)
        await bus.ensure_parked_stream(js, settings.stream_replicas)
        background = BackgroundTasks()
        publisher = CallEventPublisher(js)
        publisher.start()
        plans = PlansInFlight()
        sip = SipStatus()  # the trunk and the desk phones, as AMI says (kept current at every connect)
        agi = FastAgiServer(header_timeout=settings.agi_header_timeout)
        incoming = IncomingCalls(
            nc,
            settings.dial_template,
            settings.routing_timeout,
            plans,
            announce=publisher.put,
            desk_phones=sip.desk_phones,
        )
        agi.add_route("incoming", incoming)
        agi.add_route(
            "dial-out",
            FromPhones(incoming, settings.dial_template, settings.default_country, sip.desk_phones),
        )
        media = MediaCheck()  # sounds and music on hold, looked for at every AMI login
        agi.add_route("selfcheck", media)
        speech = Speech(settings.spool_dir)
        tokens = ServiceTokens(settings.signing_key_file, settings.token_issuer)
        services_http = httpx.AsyncClient(timeout=3.0)  # one connection pool for every service called
        directory = DirectoryClient(settings.directory_url, tokens, shared=services_http)
        mailbox = MailboxClient(settings.mailbox_url, tokens, shared=services_http)
        presence = PresenceClient(settings.presence_url, shared=services_http)
        agi.add_route("introduce", Introductions(plans, speech, directory, mailbox, settings.spool_dir))
        voicemail = Voicemail(plans, mailbox, speech, settings.spool_dir, publisher.put)
        agi.add_route("voicemail", voicemail)
        agi.add_route(
            "greeting", Voicemail(plans, mailbox, speech, settings.spool_dir, publisher.put, record=False)
        )
        agi.add_route("offer-transfer", OfferTransfer(plans, voicemail))
        agi.add_route("pc-ring", PcRing(plans, publisher.put))
        agi.add_route("record", RecordGreeting(mailbox, settings.spool_dir))
        agi.add_route("send-voicemail", SendVoicemail(mailbox, settings.spool_dir))
        agi.add_route("mailbox-alert", PlayNewMessages(mailbox, settings.spool_dir))
        agi.add_route("fax", FaxReception(plans, mailbox, settings.spool_dir, publisher.put))
        agi.add_route("fax-send", FaxSending(settings.spool_dir, publisher.put))

        async def send_command(command: Contract) -> None:
            await js.publish(
                command.subject, command.to_bytes(), headers={"Nats-Msg-Id": str(command.event_id)}
            )

        phone = Services(
            directory.http, presence.http, mailbox.http, tokens, send_command, settings.dial_template
        )
        agi.add_route(
            "mailbox", MailboxAccess(nc, plans, phone, voicemail, directory, settings.routing_timeout)
        )
        server = await agi.serve(settings.agi_host, settings.agi_port, settings.agi_backlog)
        log.info("FastAGI listening on %s:%s", settings.agi_host, settings.agi_port)
        ami: AmiLink | None = None
        consumers: list[ActingConsumer] = []
        if settings.ami_host:
            ami = AmiLink(
                settings.ami_host,
                settings.ami_port,
                settings.ami_username,
                settings.ami_secret,
                CallTracker(plans, desk_phones=sip.desk_phones),
                publisher,
                background,
                sip,
            )
            ami.start()
        placing = Placing(
            ami,
            presence,
            settings.dial_template,
            background,
            publisher.put,
            directory,
            sip.desk_phones,
        )
        if ami is not None:
            await bus.ensure_stream(js, "mailbox", settings.stream_replicas)
            tries, backoff = settings.consumer_max_deliveries, settings.consumer_backoff_seconds
            consumers.append(MessageWaiting(ami, js, publisher.put).consumer(tries, backoff))
            faxes = FaxDelivery(ami, js, mailbox, settings.spool_dir, settings.dial_template, publisher.put)
            consumers.append(faxes.consumer(tries, backoff))
            alert_calls = MessageAlertCalls(ami, js, placing, tokens, publisher.put)
            consumers.append(alert_calls.consumer(tries, backoff))
            for consumer in consumers:
                background.spawn(consumer.run(), name=consumer.durable)
        http.state.runtime = GatewayRuntime(nc, agi, server, ami, media)
        http.state.plans = plans
        http.state.settings = settings
        http.state.publisher = publisher
        http.state.token_verifier = TokenVerifier.from_settings(settings, revocations=revocations)
        http.state.service_tokens = tokens
        http.state.background = background
        http.state.presence = presence
        http.state.directory = directory
        http.state.placing = placing
        try:
            yield
        finally:
            server.close()
            await server.wait_closed()
            await asyncio.gather(*(consumer.stop() for consumer in consumers))
            await background.close(settings.shutdown_drain_seconds)  # calls placed say how they went
            if ami is not None:
                ami.close()
            await publisher.drain()
            await services_http.aclose()
            await revocations.stop()
            await nc.drain()

    http = create_http_app(title="smartnumbers gateway", description=DESCRIPTION, lifespan=lifespan)

    @http.exception_handler(httpx.TransportError)
    async def unreachable(_: Request, exc: httpx.TransportError) -> JSONResponse:
        url = exc.request.url
        log.warning("%s %s: cannot reach it (%s)", exc.request.method, url, exc)
        detail = f"a service the gateway needs ({url.host}:{url.port}) cannot be reached just now; try again"
        return JSONResponse(error_body("unavailable", detail), status_code=503)

    @http.exception_handler(httpx.HTTPStatusError)
    async def failing(_: Request, exc: httpx.HTTPStatusError) -> JSONResponse:
        url = exc.request.url
        log.warning("%s %s answered %s", exc.request.method, url, exc.response.status_code)
        status = exc.response.status_code
        detail = f"a service the gateway needs ({url.host}:{url.port}) answered {status}; try again"
        return JSONResponse(error_body("unavailable", detail), status_code=503)

    http.include_router(click_to_dial.router)
    http.include_router(call_manager.router)
    http.include_router(pc_ring.router)
    http.include_router(call_me.router)
    http.include_router(message_alert.router)
    return http
