"""Fax delivery commands the gateway cannot carry out end visibly (issues 11 §2, 12 §2): one whose
text could speak to Asterisk fails at once with nothing sent; one that keeps failing is tried
a few times with backoff by the kit's consumer, then parked for an operator."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import nats
import pytest
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


def fax(**fields: str) -> commands.DeliverFax:
    return commands.DeliverFax(
        **{
            "event_id": uuid.uuid4(),
            "organisation_id": "acme",
            "occurred_at": datetime.now(UTC),
            "user_id": "adam",
            "fax_id": "f1",
            "to_number": "+441632960999",
            "sha256": "0" * 64,
            "pages": 1,
            "fetch_path": "/v1/blobs/f1",
            **fields,
        }
    )


@pytest.fixture
async def fax_delivery(fresh_nats_server, dev_keys, tmp_path):
    """The fax-delivery consumer (3 tries) logged in to a FAKE Asterisk; the mailbox is away."""
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
    try:
        await asterisk.logged_in()
        yield SimpleNamespace(js=js, asterisk=asterisk, url=fresh_nats_server.url)
    finally:
        await consumer.stop()
        await asyncio.gather(task, return_exceptions=True)
        link.close()
        await publisher.drain()
        await mailbox.close()
        await nc.close()
        await asterisk.stop()


async def test_a_fax_whose_image_cannot_be_fetched_is_parked_after_its_last_try(fax_delivery):
    command = fax()
    async with BusWatcher(fax_delivery.url, "parked.>") as parked:
        await fax_delivery.js.publish(command.subject, command.to_bytes())
        found = await parked.next_matching(
            "parked.gateway-fax.gateway.fax.deliver.v1", event_id=str(command.event_id)
        )
    assert found["fax_id"] == "f1"
    assert not [a for a in fax_delivery.asterisk.actions if a.get("Action") == "Originate"]


@pytest.mark.parametrize(
    "hostile",
    [
        {"to_number": "+441632960999\r\n\r\nAction: Command\r\nCommand: core show version"},
        {"to_number": "+441632960999@trunk&PJSIP/premium"},
        {"fax_id": "f1\r\nAction: Command"},
        {"fax_id": "../../etc/passwd"},
    ],
)
async def test_a_fax_command_whose_text_could_speak_to_asterisk_fails_with_nothing_sent(
    fax_delivery, hostile
):
    command = fax(**hostile)
    async with BusWatcher(fax_delivery.url, "gateway.command.>") as bus_:
        await fax_delivery.js.publish(command.subject, command.to_bytes())
        failure = await bus_.next_matching(
            "gateway.command.failed.v1", request_event_id=str(command.event_id)
        )
    assert "is not" in failure["reason"]
    assert not [a for a in fax_delivery.asterisk.actions if a.get("Action") == "Originate"]
    assert b"Command:" not in bytes(fax_delivery.asterisk.received)
