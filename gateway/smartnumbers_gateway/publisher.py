"""Call events onto the bus, in order, never dropped while the process lives.

AMI events have no log of ours to publish from: they are queued in memory and published
one by one; a failed publish is retried (NATS away) with the same ``Nats-Msg-Id`` (the
event id), so a retry after a lost ack is deduplicated by JetStream.

Not in batches of asynchronous publishes: when NATS goes away mid-batch, a message lost in
the client's socket can be published again after later ones that reached the server, and
the stream's order would no longer be the calls' (tests/test_call_event_publisher.py saw
call-304 before call-302 across a restart). One awaited publish at a time keeps the order.
"""

from __future__ import annotations

import asyncio
import logging

from nats.js import JetStreamContext
from prometheus_client import Counter, Gauge
from smartnumbers_contracts import Contract

log = logging.getLogger(__name__)
PUBLISHED = Counter("gateway_call_events_published_total", "Call events published")
WAITING = Gauge("gateway_call_events_waiting", "Call events waiting to be published")


class CallEventPublisher:
    def __init__(self, js: JetStreamContext) -> None:
        self.js = js
        self.queue: asyncio.Queue[Contract] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def put(self, contract: Contract) -> None:
        self.queue.put_nowait(contract)
        WAITING.set(self.queue.qsize())

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="call-events")

    async def _run(self) -> None:
        while True:
            contract = await self.queue.get()
            delay = 0.1
            while True:
                try:
                    await self.js.publish(
                        contract.subject,
                        contract.to_bytes(),
                        timeout=2.0,
                        headers={"Nats-Msg-Id": str(contract.event_id)},
                    )
                    break
                except Exception as e:
                    log.warning("cannot publish %s yet (%s); retrying", contract.subject, e)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 2.0)
            PUBLISHED.inc()
            self.queue.task_done()
            WAITING.set(self.queue.qsize())

    async def drain(self, wait_seconds: float = 5.0) -> None:
        try:
            await asyncio.wait_for(self.queue.join(), wait_seconds)
        except TimeoutError:
            log.error("%s call events not published at shutdown", self.queue.qsize())
        if self._task:
            self._task.cancel()
