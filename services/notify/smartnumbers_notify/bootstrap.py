"""The composition root: the only place that reads settings and opens connections."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI
from smartnumbers_kit.auth import TokenVerifier
from smartnumbers_kit.http import create_http_app
from smartnumbers_kit.leadership import leadership_for
from smartnumbers_kit.logs import configure_logging
from smartnumbers_kit.runtime import Runtime
from smartnumbers_kit.store import persistence_env

from smartnumbers_notify.alerts import Alerts
from smartnumbers_notify.application import NotifyApplication
from smartnumbers_notify.attachments import AttachmentSource
from smartnumbers_notify.call_events import presence_subscription, routing_subscription
from smartnumbers_notify.commands import command_subscription
from smartnumbers_notify.directory_events import directory_subscription
from smartnumbers_notify.dispatcher import Dispatcher
from smartnumbers_notify.domain.delivery import Channel
from smartnumbers_notify.domain.sms_limits import SmsLimits
from smartnumbers_notify.email_sender import SmtpSender
from smartnumbers_notify.http import reports as report_routes
from smartnumbers_notify.http import routes
from smartnumbers_notify.mailbox_events import mailbox_subscription
from smartnumbers_notify.publishing import NotifyContracts
from smartnumbers_notify.reports import CallRecords, ReportScheduler
from smartnumbers_notify.sending import Sender
from smartnumbers_notify.service_tokens import ServiceTokens
from smartnumbers_notify.settings import NotifySettings
from smartnumbers_notify.sms_gateway import KannelSms, SmsFiles
from smartnumbers_notify.templates import Templates

DISPATCH_LEASE = "notify-dispatch"
"""The lease (``relay:notify-dispatch`` in ``relay_leader`` on /metrics) of the replica that sends."""

DESCRIPTION = (
    "Every alert, SMS and email leaves here: new-message alerts by SMS, email and pager, "
    "voice-to-email, archived messages, fax-to-email, group SMS, lost-call and delegated-call "
    "reports. Email over SMTP, SMS through Kannel. User guide §3.5, §3.6.6-9, §4.5, §5."
)


def bootstrap(settings: NotifySettings | None = None, clock: Callable[[], datetime] | None = None) -> FastAPI:
    settings = settings or NotifySettings()
    clock = clock or (lambda: datetime.now(UTC))
    configure_logging(settings.service_name, settings.log_level)

    @asynccontextmanager
    async def lifespan(http: FastAPI) -> AsyncIterator[None]:
        app = NotifyApplication(
            persistence_env(settings, "notify"),
            clock=clock,
            limits=SmsLimits(settings.sms_per_user_per_minute, settings.sms_per_organisation_per_minute),
            sms_max_parts=settings.sms_max_parts,
            default_country=settings.default_country,
        )
        templates = Templates(settings.templates_dir)
        alerts = Alerts(app, templates)
        tokens = ServiceTokens(settings.signing_key_file, settings.token_issuer)
        attachments = AttachmentSource(settings.mailbox_url, tokens)
        sms = (
            KannelSms(settings)
            if settings.sms_gateway == "kannel"
            else SmsFiles(settings.sms_dir or settings.var_dir / "sms")
        )
        senders: dict[str, Sender] = {
            Channel.EMAIL: SmtpSender(settings, templates, attachments),
            Channel.SMS: sms,
            Channel.PAGER: sms,
        }
        # One replica sends at a time: the holder of notify's dispatch lease (see dispatcher.py).
        dispatch_lease = leadership_for(settings, DISPATCH_LEASE, wake=lambda: None)
        dispatcher = Dispatcher(
            app,
            senders,
            clock=clock,
            concurrency=settings.delivery_concurrency,
            backoff=settings.delivery_backoff_seconds,
            max_attempts=settings.delivery_max_attempts,
            may_send=dispatch_lease.may_publish,
        )
        reports = ReportScheduler(app, templates, CallRecords(settings.routing_url, tokens), clock)
        dispatcher.on_topic["ReportSchedule.Set"] = reports.known.add
        runtime = Runtime(
            settings,
            app,
            publishes="notify",
            to_contracts=NotifyContracts(app),
            subscriptions=[
                command_subscription(app, templates),
                directory_subscription(app),
                mailbox_subscription(app, alerts),
                presence_subscription(app),
                routing_subscription(alerts),
            ],
            sends_commands_to=["gateway"],
        )
        http.state.notify = app
        http.state.runtime = runtime
        http.state.dispatcher = dispatcher
        http.state.reports = reports
        http.state.token_verifier = TokenVerifier.from_settings(settings)
        await dispatcher.start()
        sending = asyncio.create_task(dispatch_lease.run(dispatcher.lead), name="notify-dispatch")
        await runtime.start()
        reporting = asyncio.create_task(reports.run(settings.report_tick_seconds), name="reports")
        try:
            yield
        finally:
            reporting.cancel()
            await dispatch_lease.stop()
            sending.cancel()
            await asyncio.gather(sending, return_exceptions=True)
            await dispatcher.stop()
            await sms.close()
            await runtime.stop()

    http = create_http_app(title="smartnumbers notify", description=DESCRIPTION, lifespan=lifespan)
    http.include_router(routes.router)
    http.include_router(report_routes.router)
    return http
