"""A command the gateway cannot carry out is not retried for ever (issue 12 §2): the kit's
consumer tries it a few times with backoff, then parks it for an operator."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import nats
from smartnumbers_contracts import gateway as commands
from smartnumbers_gateway.asterisk.ami import AmiLink
from smartnumbers_gateway.clients.mailbox import MailboxClient
from smartnumbers_gateway.clients.service_tokens import ServiceTokens
from smartnumbers_gateway.commands.fax_delivery import FaxDelivery
from smartnumbers_gateway.incoming.call_events import CallTracker
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_gateway.publisher import CallEventPublisher
from smartnumbers_kit import bus

from gateway.tests.fake_ami import FakeAmi
from gateway.tests.gateway_app import unreachable_url
from services.presence.tests.e2e import BusWatcher


async def test_a_fax_whose_image_cannot_be_fetched_is_parked_after_its_last_try(
    fresh_nats_server, dev_keys, tmp_path
):
    asterisk = FakeAmi()
    port = await asterisk.start()
    nc = await nats.connect(fresh_nats_server.url)
    js = nc.jetstream()
    await bus.ensure_stream(js, "gateway")
    await bus.ensure_parked_stream(js)
    publisher = CallEventPublisher(js)
    publisher.start()
    link = AmiLink("127.0.0.1", port, "gateway", "s3cret", CallTracker(PlansInFlight()), publisher)
    link.start()
    mailbox = MailboxClient(unreachable_url(), ServiceTokens(dev_keys[0], "smartnumbers-dev"))
    faxes = FaxDelivery(link, js, mailbox, tmp_path, "Local/{digits}@phones", publisher.put)
    consumer = faxes.consumer(max_deliveries=3, backoff_seconds=[0.05])
    task = asyncio.create_task(consumer.run())
    command = commands.DeliverFax(
        event_id=uuid.uuid4(),
        organisation_id="acme",
        occurred_at=datetime.now(UTC),
        user_id="adam",
        fax_id="f1",
        to_number="+441632960999",
        sha256="0" * 64,
        pages=1,
        fetch_path="/v1/blobs/f1",
    )
    try:
        await asterisk.logged_in()
        async with BusWatcher(fresh_nats_server.url, "parked.>") as parked:
            await js.publish(command.subject, command.to_bytes())
            found = await parked.next_matching(
                "parked.gateway-fax.gateway.fax.deliver.v1", event_id=str(command.event_id)
            )
    finally:
        await consumer.stop()
        await asyncio.gather(task, return_exceptions=True)
        link.close()
        await publisher.drain()
        await mailbox.close()
        await nc.close()
        await asterisk.stop()
    assert found["fax_id"] == "f1"
    assert not [a for a in asterisk.actions if a.get("Action") == "Originate"], "nothing was dialled"
