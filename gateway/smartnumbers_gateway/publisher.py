"""Call events onto the bus, in order, never dropped while the process lives.

AMI events have no log of ours to publish from: they are queued in memory and published
in the queue's order, whatever has queued up at once (without waiting for each ack, then
every ack gathered, as the relay does); a batch with an ack missing is published again
(NATS away) with the same ``Nats-Msg-Id`` (the event id) on each message, so what JetStream
already stored is deduplicated, and the order on the stream stays the queue's.
"""

from __future__ import annotations

import asyncio
import logging

from nats.js import JetStreamContext
from nats.js.api import PubAck
from prometheus_client import Counter, Gauge
from smartnumbers_contracts import Contract

log = logging.getLogger(__name__)
PUBLISHED = Counter("gateway_call_events_published_total", "Call events published")
WAITING = Gauge("gateway_call_events_waiting", "Call events waiting to be published")
MAX_BATCH = 200
ACK_TIMEOUT = 2.0
"""Seconds to wait for JetStream's acks of a batch (and for room among the client's pending acks)."""


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
            batch = [await self.queue.get()]
            while len(batch) < MAX_BATCH and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            delay = 0.1
            while True:
                try:
                    await self._publish(batch)
                    break
                except Exception as e:
                    log.warning("cannot publish %s call event(s) yet (%s); retrying", len(batch), e)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 2.0)
            PUBLISHED.inc(len(batch))
            for _ in batch:
                self.queue.task_done()
            WAITING.set(self.queue.qsize())

    async def _publish(self, batch: list[Contract]) -> None:
        """Every message of the batch sent in order, then every ack awaited; raises if one is missing."""
        acks: list[asyncio.Future[PubAck]] = []
        try:
            for contract in batch:
                acks.append(
                    await self.js.publish_async(
                        contract.subject,
                        contract.to_bytes(),
                        headers={"Nats-Msg-Id": str(contract.event_id)},
                        wait_stall=ACK_TIMEOUT,
                    )
                )
            results = await asyncio.wait_for(asyncio.gather(*acks, return_exceptions=True), ACK_TIMEOUT)
        finally:
            for ack in acks:
                ack.cancel()  # those still waiting (a timeout): frees their slot in the client
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def drain(self, wait_seconds: float = 5.0) -> None:
        try:
            await asyncio.wait_for(self.queue.join(), wait_seconds)
        except TimeoutError:
            log.error("%s call events not published at shutdown", self.queue.qsize())
        if self._task:
            self._task.cancel()
