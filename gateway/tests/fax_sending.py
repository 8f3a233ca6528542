"""The gateway's way of sending a fax on, wired as bootstrap.py wires it, for tests: the
``gateway-fax`` consumer of delivery commands logged in to a FAKE Asterisk's AMI, and the
``fax-send`` FastAGI route the dialplan's ``sn-fax-out,send`` runs once the machine answers.
``machine_answers`` plays that dialplan: a FAKE channel with the Originate's variables."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nats
from nats.js import JetStreamContext
from smartnumbers_gateway.asterisk.ami import AmiLink
from smartnumbers_gateway.asterisk.fastagi import FastAgiServer
from smartnumbers_gateway.clients.mailbox import MailboxClient
from smartnumbers_gateway.clients.service_tokens import ServiceTokens
from smartnumbers_gateway.commands.fax_delivery import FaxDelivery
from smartnumbers_gateway.commands.fax_sending import FaxSending
from smartnumbers_gateway.incoming.call_events import CallTracker
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_gateway.publisher import CallEventPublisher
from smartnumbers_kit import bus
from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.settings import DEV_ISSUER

from gateway.tests.fake_agi import FakeAgiChannel
from gateway.tests.fake_ami import FakeAmi


@dataclass
class FaxLine:
    js: JetStreamContext
    asterisk: FakeAmi
    agi_port: int
    spool: Path
    published: list[Any] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def publish(self, event: Any) -> None:
        self.published.append(event)
        self.arrived.set()

    async def originated(self, timeout: float = 20.0) -> dict[str, Any]:
        await asyncio.wait_for(self.asterisk.originate_seen.wait(), timeout)
        (originate,) = [a for a in self.asterisk.actions if a.get("Action") == "Originate"]
        return originate

    async def machine_answers(self, **machine: Any) -> FakeAgiChannel:
        """The fax machine answered: Asterisk runs ``sn-fax-out,send`` with the Originate's variables."""
        originate = await self.originated()
        assert (originate["Context"], originate["Exten"]) == ("sn-fax-out", "send")
        variables = dict(v.split("=", 1) for v in originate["Variable"])
        args = [variables[n] for n in ("SN_FAX_COMMAND", "SN_ORG", "SN_USER", "SN_FAX_ID", "SN_FAX_TO")]
        return await FakeAgiChannel(self.agi_port, script="fax-send", args=args, **machine).run()

    async def said(self, timeout: float = 10.0) -> Any:
        """The one ``gateway.fax.sent.v1`` (or other event) published, once there is one."""
        await asyncio.wait_for(self.arrived.wait(), timeout)
        (event,) = self.published
        return event


@asynccontextmanager
async def fax_line(
    nats_url: str, mailbox_url: str, private_key: Path, spool: Path, asterisk: FakeAmi | None = None
) -> AsyncIterator[FaxLine]:
    asterisk = asterisk or FakeAmi()
    port = await asterisk.start()
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await bus.ensure_stream(js, "gateway")
    await bus.ensure_parked_stream(js)
    publisher = CallEventPublisher(js)
    publisher.start()
    link = AmiLink("127.0.0.1", port, "gateway", "s3cret", CallTracker(PlansInFlight()), publisher)
    link.start()
    mailbox = MailboxClient(mailbox_url, ServiceTokens(private_key, DEV_ISSUER), timeout=20)
    line = FaxLine(js, asterisk, free_port(), spool)
    faxes = FaxDelivery(link, js, mailbox, spool, "Local/{digits}@phones", line.publish)
    consumer = faxes.consumer(max_deliveries=3, backoff_seconds=[0.05])
    task = asyncio.create_task(consumer.run())
    agi = FastAgiServer(header_timeout=2)
    agi.add_route("fax-send", FaxSending(spool, line.publish))
    server = await agi.serve("127.0.0.1", line.agi_port, 64)
    try:
        await asterisk.logged_in()
        yield line
    finally:
        server.close()
        await consumer.stop()
        await asyncio.gather(task, return_exceptions=True)
        link.close()
        await publisher.drain()
        await mailbox.close()
        await nc.close()
        await asterisk.stop()
