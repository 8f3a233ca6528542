"""Call events go to the bus one awaited publish at a time, in the order they happened, each once,
even when NATS goes away in the middle: a real nats-server stopped and started again."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from uuid import NAMESPACE_URL, uuid5

from smartnumbers_contracts import calls
from smartnumbers_gateway.publisher import CallEventPublisher
from smartnumbers_kit import bus


def started(i: int) -> calls.CallStarted:
    return calls.CallStarted(
        event_id=uuid5(NAMESPACE_URL, f"test:publisher:{i}"),
        organisation_id="acme",
        occurred_at=datetime.now(UTC),
        call_id=f"call-{i}",
        direction=calls.Direction.INBOUND,
        dialled="+441632960001",
    )


async def stored_call_ids(js, expected: int) -> list[str]:
    """Every message of the gateway's stream, in stream order (waits until ``expected`` are there)."""
    async with asyncio.timeout(30):
        while (await js.stream_info("GATEWAY")).state.messages < expected:
            await asyncio.sleep(0.05)  # the stream's count has no event to await from outside
    subscription = await js.subscribe("gateway.call.started.v1", ordered_consumer=True)
    ids = []
    for _ in range(expected):
        message = await subscription.next_msg(timeout=5)
        ids.append(json.loads(message.data)["call_id"])
    await subscription.unsubscribe()
    return ids


async def test_call_events_arrive_in_order_and_once_across_a_nats_restart(fresh_nats_server):
    nc = await bus.connect(fresh_nats_server.url, "gateway-test")
    js = nc.jetstream()
    await bus.ensure_stream(js, "gateway")
    publisher = CallEventPublisher(js)
    publisher.start()
    try:
        # 1. A burst while NATS is up: published, all of them, in order.
        for i in range(300):
            publisher.put(started(i))
        assert await stored_call_ids(js, 300) == [f"call-{i}" for i in range(300)]

        # 2. NATS goes away with events queued and more arriving; it comes back.
        for i in range(300, 400):
            publisher.put(started(i))
        await asyncio.to_thread(fresh_nats_server.stop)
        for i in range(400, 500):
            publisher.put(started(i))
        await asyncio.to_thread(fresh_nats_server.start)
        for i in range(500, 550):
            publisher.put(started(i))

        # 3. Every event is on the stream once, in the order it happened.
        ids = await stored_call_ids(js, 550)
        assert ids == [f"call-{i}" for i in range(550)]
        assert (await js.stream_info("GATEWAY")).state.messages == 550
    finally:
        await publisher.drain(wait_seconds=5)
        await nc.close()
