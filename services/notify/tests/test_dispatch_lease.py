"""Two notify replicas on one PostgreSQL store: one sends, the holder of the dispatch lease.

Each replica is notify's application with its dispatcher and its lease, as bootstrap builds
them; email leaves through a real SMTP server (aiosmtpd). When the holder goes, the other
replica takes the lease: the delivery the first left mid-try is failed in doubt (it may have
left), the pending ones are sent, and nothing reaches the server twice.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime

import psycopg
import pytest
from smartnumbers_kit.leadership import PostgresLeadership
from smartnumbers_kit.store import persistence_env
from smartnumbers_kit.testing import Postgres
from smartnumbers_notify.application import AlreadyClaimed, NotifyApplication
from smartnumbers_notify.attachments import AttachmentSource
from smartnumbers_notify.dispatcher import Dispatcher
from smartnumbers_notify.domain.delivery import IN_DOUBT, Status
from smartnumbers_notify.domain.sms_limits import SmsLimits
from smartnumbers_notify.email_sender import SmtpSender
from smartnumbers_notify.service_tokens import ServiceTokens
from smartnumbers_notify.settings import NotifySettings
from smartnumbers_notify.templates import Templates

from services.notify.tests.e2e import SmtpServer
from services.presence.tests.e2e import eventually


@pytest.fixture
def settings(postgres: Postgres, smtp: SmtpServer, dev_keys) -> NotifySettings:
    schema = f"n_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(
        host=postgres.host,
        port=postgres.port,
        user=postgres.user,
        password=postgres.password,
        dbname=postgres.dbname,
        autocommit=True,
    ) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    env = {k.lower(): v for k, v in postgres.env().items()}
    return NotifySettings(
        **env,
        postgres_schema=schema,
        SMTP_PORT=smtp.port,
        NOTIFY_SIGNING_KEY_FILE=dev_keys[0],
    )


class Replica:
    def __init__(self, settings: NotifySettings) -> None:
        self.app = NotifyApplication(
            persistence_env(settings, "notify"),
            clock=lambda: datetime.now(UTC),
            limits=SmsLimits(per_user=100, per_organisation=100),
        )
        self.lease = PostgresLeadership(
            settings, "notify-dispatch", wake=lambda: None, retry_seconds=0.1, check_seconds=0.2
        )
        tokens = ServiceTokens(settings.signing_key_file, settings.token_issuer)
        sender = SmtpSender(settings, Templates(), AttachmentSource(settings.mailbox_url, tokens))
        self.dispatcher = Dispatcher(
            self.app,
            {"email": sender},
            clock=lambda: datetime.now(UTC),
            concurrency=2,
            backoff=[0.2],
            max_attempts=3,
            may_send=self.lease.may_publish,
        )
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.dispatcher.start()
        self.task = asyncio.create_task(self.lease.run(self.dispatcher.lead))

    async def stop(self) -> None:
        await self.lease.stop()
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        await self.dispatcher.stop()
        self.app.close()

    def queue(self, subject: str, *, mid_try: bool = False) -> uuid.UUID:
        [d] = self.app.queue_email("acme", "alice", subject, "alice@example.com", subject, "Body", "archive")
        if mid_try:  # as left by a replica killed between handing it over and recording how it went
            d.start_attempt(datetime.now(UTC))
        self.app.save(d)
        return d.id


def subjects(smtp: SmtpServer) -> Counter[str]:
    return Counter(str(m["Subject"]) for m in smtp.messages.items)


async def test_one_replica_sends_and_the_other_takes_over_what_it_left(settings, smtp: SmtpServer):
    a, b = Replica(settings), Replica(settings)
    try:
        await a.start()
        await eventually(lambda: asyncio.sleep(0, a.lease.is_leader), bool)
        await b.start()

        # 1. Messages queued through either replica are sent by a, the holder, once each.
        for i in range(4):
            (a if i % 2 else b).queue(f"first {i}")
        await smtp.messages.at_least(4)
        assert subjects(smtp) == Counter({f"first {i}": 1 for i in range(4)})
        assert not b.lease.is_leader

        # 2. One delivery is left mid-try as a's, and a goes: b takes the lease, fails that one in
        #    doubt (it may have left) and sends what was still queued.
        left = a.queue("left mid-try", mid_try=True)
        await a.stop()
        queued = b.queue("queued meanwhile")
        await eventually(lambda: asyncio.sleep(0, b.lease.is_leader), bool)
        await smtp.messages.at_least(5)
        await eventually(lambda: asyncio.to_thread(b.app.delivery, left), lambda d: d.status == Status.FAILED)
        assert b.app.delivery(left).error == IN_DOUBT
        # The server has the message before b records how the try went: await the record.
        await eventually(lambda: asyncio.to_thread(b.app.delivery, queued), lambda d: d.status == Status.SENT)
        assert subjects(smtp) == Counter({**{f"first {i}": 1 for i in range(4)}, "queued meanwhile": 1})

        # 3. A try is claimed on the delivery's version: a second claim of it hands nothing over.
        with pytest.raises(AlreadyClaimed):
            b.app.start_attempt(queued)
    finally:
        await b.stop()
        if a.task is not None and not a.task.done():
            await a.stop()
