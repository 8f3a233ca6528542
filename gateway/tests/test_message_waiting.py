"""The message-waiting light (§3.5): the mailbox's counts become MWIUpdate on a FAKE Asterisk,
over a real bus; a mailbox whose owner switched the lamp off is set to no new messages."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import nats
import pytest
from smartnumbers_contracts import mailbox as mb
from smartnumbers_gateway.asterisk.ami import AmiLink
from smartnumbers_gateway.commands.message_waiting import MessageWaiting
from smartnumbers_gateway.incoming.call_events import CallTracker
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_gateway.publisher import CallEventPublisher
from smartnumbers_kit import bus

from gateway.tests.fake_ami import FakeAmi
from services.presence.tests.e2e import BusWatcher, eventually


def count(new: int, old: int, *, light: bool | None = None) -> mb.NewMessageCountChanged:
    lamp = {} if light is None else {"message_waiting_light": light}
    return mb.NewMessageCountChanged(
        event_id=uuid.uuid4(),
        organisation_id="acme",
        occurred_at=datetime.now(UTC),
        owner_kind=mb.OwnerKind.USER,
        owner_id="adam",
        new_count=new,
        old_count=old,
        **lamp,
    )


@pytest.fixture
async def gateway(fresh_nats_server):
    """The gateway's message-waiting consumer, logged in to a FAKE Asterisk, on a fresh bus."""
    asterisk = FakeAmi()
    port = await asterisk.start()
    nc = await nats.connect(fresh_nats_server.url)
    js = nc.jetstream()
    await bus.ensure_stream(js, "mailbox")
    await bus.ensure_stream(js, "gateway")
    publisher = CallEventPublisher(js)
    publisher.start()
    link = AmiLink("127.0.0.1", port, "gateway", "s3cret", CallTracker(PlansInFlight()), publisher)
    link.start()
    waiting = MessageWaiting(link, js, publisher.put).consumer()
    task = asyncio.create_task(waiting.run())
    await asterisk.logged_in()

    async def consumer_exists() -> bool:
        try:
            await js.consumer_info("MAILBOX", "gateway-mwi")
        except nats.js.errors.NotFoundError:
            return False
        return True

    await eventually(consumer_exists, bool)  # it delivers only what is published from now on
    try:
        yield js, asterisk
    finally:
        await waiting.stop()
        await asyncio.gather(task, return_exceptions=True)
        link.close()
        await publisher.drain()
        await nc.close()
        await asterisk.stop()


async def test_the_lamp_shows_the_count_only_while_the_owner_wants_it(gateway, fresh_nats_server):
    js, asterisk = gateway

    async def mwi_updates() -> list[str]:
        return [a["NewMessages"] for a in await asterisk.recorded_actions() if a.get("Action") == "MWIUpdate"]

    async with BusWatcher(fresh_nats_server.url, "gateway.>") as watcher:
        # 1. A message arrives for Adam, who switched the lamp off: it is set to no new messages.
        await js.publish(mb.NewMessageCountChanged.subject, count(1, 0, light=False).to_bytes())
        assert await eventually(mwi_updates, lambda sent: len(sent) == 1) == ["0"]
        confirmed = await watcher.next_matching("gateway.mwi.set.v1", mwi_mailbox="adam@acme")
        assert confirmed["new_messages"] == 0
        # 2. He switches it on: the count announced again lights it.
        await js.publish(mb.NewMessageCountChanged.subject, count(1, 1, light=True).to_bytes())
        # 3. A count from before message alerts (no lamp setting) shows the count.
        await js.publish(mb.NewMessageCountChanged.subject, count(2, 1).to_bytes())
        assert await eventually(mwi_updates, lambda sent: len(sent) == 3) == ["0", "1", "2"]
    assert {a["Mailbox"] for a in asterisk.actions if a.get("Action") == "MWIUpdate"} == {"adam@acme"}
