"""Publish from the log: follow an application's notification log onto JetStream.

The relay reads committed notifications after its recorded position, maps each
domain event to zero or more contracts, stamps each with an event id derived from
the stored event and this store's epoch (``publishing.event_id``), publishes it with
that id as ``Nats-Msg-Id`` (a whole batch without waiting, then every ack gathered),
and only once every ack is in records its new position (a tracking record in the service's own store).

A crash between publishing and recording republishes the same messages with the
same ids: JetStream's duplicate window drops them, and consumers, which track
what they applied, would ignore them anyway. Nothing is published before it is
committed, so nothing is published that could be rolled back.

One event can never stop the relay. An event it cannot publish for a reason that will
not go away (it cannot be mapped to a contract, the contract refuses it, or it is larger
than the server's ``max_payload``) is *parked*: a small JSON record of it (relay,
notification id, topic, subject, size, reason) goes to the ``PARKED`` stream as
``parked.relay-<app>.<subject>``, with the same headers consumers' parked messages carry
(``smartnumbers-parked`` lists both), ``relay_parked_total`` counts it, it is logged, and
the relay moves past it like past any published event (so durably, with its position).
Transient errors (no connection, timeouts) keep the position and retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, Notification, Tracking
from nats.errors import MaxPayloadError
from nats.js import JetStreamContext
from nats.js.api import PubAck
from prometheus_client import Counter, Gauge
from smartnumbers_contracts import Contract

from smartnumbers_kit.bus import PARKED_STREAM
from smartnumbers_kit.publishing import stamped
from smartnumbers_kit.store import LogIdentity, ServiceApplication

log = logging.getLogger(__name__)

ToContracts = Callable[[Any], Sequence[Contract]]

PUBLISHED = Counter("relay_published_total", "Contracts published by the relay", ["relay"])
PARKED = Counter("relay_parked_total", "Events the relay could never publish, parked", ["relay"])
POSITION = Gauge("relay_position", "Last notification id the relay has published", ["relay"])

ACK_TIMEOUT = 2.0
"""Seconds to wait for JetStream's acks of a batch (and for room among the client's pending acks)."""

HEADERS_ROOM = 1024
"""Bytes kept free under the server's ``max_payload`` for the message's headers."""

FAULT_ENV = "SMARTNUMBERS_RELAY_FAULT"
"""Test-only fault injection: ``<point>:<n>`` SIGKILLs this process at ``point``
(``before_publish``, ``after_publish``, ``after_record``) on the n-th notification."""


class Relay:
    def __init__(
        self,
        app: ServiceApplication,
        js: JetStreamContext,
        to_contracts: ToContracts,
        *,
        batch_size: int = 200,
        idle_poll_seconds: float = 1.0,
    ) -> None:
        self.app = app
        self.js = js
        self.to_contracts = to_contracts
        self.name = f"relay:{app.name}"
        self.batch_size = batch_size
        self.idle_poll_seconds = idle_poll_seconds
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._stopping = False
        self._published_through = 0
        self._published = threading.Condition()
        self._fault = _parse_fault(os.environ.get(FAULT_ENV, ""))
        self._seen = 0
        self._log_epoch: UUID | None = None
        app.on_commit(self.wake)

    def wake(self) -> None:
        """Thread-safe: called by the application after each commit."""
        self._loop.call_soon_threadsafe(self._wake.set)

    def position(self) -> int:
        return self.app.recorder.max_tracking_id(self.name) or 0

    async def run(self) -> None:
        position = await asyncio.to_thread(self.position)
        backoff = 0.1
        while not self._stopping:
            self._wake.clear()
            notifications, mapped = await asyncio.to_thread(self._read, position)
            if not notifications:
                await self._idle()
                continue
            try:
                await self._publish(mapped)
            except Exception as e:  # NATS away or slow: keep the position, retry
                log.warning("relay %s could not publish (%s); retrying", self.name, e)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
                continue
            backoff = 0.1
            position = notifications[-1].id
            with self._published:
                self._published_through = position
                self._published.notify_all()
            self._crash_if("after_publish", notifications[-1].id)
            try:
                await asyncio.to_thread(self.app.recorder.insert_tracking, Tracking(self.name, position))
            except IntegrityError:  # another replica's relay got there first
                position = await asyncio.to_thread(self.position)
            self._crash_if("after_record", notifications[-1].id)
            POSITION.labels(self.name).set(position)

    def wait_published(self, notification_id: int, timeout: float) -> bool:
        """Block (a worker thread) until ``notification_id`` is on the bus; False on timeout."""
        with self._published:
            return self._published.wait_for(lambda: self._published_through >= notification_id, timeout)

    async def drain(self, timeout: float = 5.0) -> None:
        """Publish what is committed, then stop (graceful shutdown)."""
        deadline = self._loop.time() + timeout
        while self._loop.time() < deadline:
            latest = await asyncio.to_thread(self.app.recorder.max_notification_id) or 0
            if await asyncio.to_thread(self.position) >= latest:
                break
            self.wake()
            await asyncio.sleep(0.02)
        self.stop()

    def stop(self) -> None:
        self._stopping = True
        self.wake()

    async def _idle(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), self.idle_poll_seconds)

    def _epoch(self) -> UUID:
        """The store's epoch, read once (it never changes while the store exists): saves a query per batch."""
        if self._log_epoch is None:
            self._log_epoch = self.app.log_identity()
        return self._log_epoch

    def _read(
        self, position: int
    ) -> tuple[Sequence[Notification], list[tuple[Notification, list[Contract] | str]]]:
        """The next batch after ``position`` and its contracts: one worker-thread hop for both."""
        notifications = self.app.recorder.select_notifications(
            position, self.batch_size, inclusive_of_start=False
        )
        return notifications, self._map(notifications) if notifications else []

    def _map(self, notifications: Sequence[Notification]) -> list[tuple[Notification, list[Contract] | str]]:
        """Each notification's stamped contracts, or why it cannot be mapped (a permanent failure)."""
        epoch = self._epoch()
        mapped: list[tuple[Notification, list[Contract] | str]] = []
        for n in notifications:
            try:
                event = self.app.mapper.to_domain_event(n)
                # The store's own identity (the kit's, not the service's domain) is never published.
                contracts = [] if isinstance(event, LogIdentity.Event) else self.to_contracts(event)
                mapped.append((n, stamped(contracts, n, epoch)))
            except Exception as e:
                mapped.append((n, f"cannot be mapped to a contract: {type(e).__name__}: {e}"))
        return mapped

    def _max_payload(self) -> int:
        client = getattr(self.js, "_nc", None)
        return int(getattr(client, "max_payload", 1024 * 1024))

    async def _publish(self, mapped: list[tuple[Notification, list[Contract] | str]]) -> None:
        """Publish a batch without waiting for each ack, then wait for all of them.

        The messages leave in the log's order on one connection, so JetStream stores them in
        that order. Any ack missing (timeout) or negative raises: the caller keeps its position
        and publishes the batch again, and the ``Nats-Msg-Id`` of each message makes what
        JetStream already stored a duplicate it drops.
        """
        acks: list[asyncio.Future[PubAck]] = []
        for notification, contracts in mapped:
            if isinstance(contracts, str):
                await self._park(notification, 0, None, len(notification.state), contracts)
                continue
            self._crash_if("before_publish", notification.id)
            for index, contract in enumerate(contracts):
                data = contract.to_bytes()
                limit = self._max_payload() - HEADERS_ROOM
                if len(data) > limit:
                    reason = f"{len(data)} bytes is over what the server takes ({limit} bytes and headers)"
                    await self._park(notification, index, contract.subject, len(data), reason)
                    continue
                try:
                    ack = await self.js.publish_async(
                        contract.subject,
                        data,
                        headers={"Nats-Msg-Id": str(contract.event_id)},
                        wait_stall=ACK_TIMEOUT,
                    )
                except MaxPayloadError as e:
                    await self._park(notification, index, contract.subject, len(data), f"refused: {e}")
                    continue
                acks.append(ack)
        if not acks:
            return
        try:
            results = await asyncio.wait_for(asyncio.gather(*acks, return_exceptions=True), ACK_TIMEOUT)
        finally:
            for ack in acks:
                ack.cancel()  # those still waiting (a timeout): frees their slot in the client
        for result in results:
            if isinstance(result, BaseException):
                raise result
        PUBLISHED.labels(self.name).inc(len(results))

    async def _park(
        self, notification: Notification, index: int, subject: str | None, size: int, reason: str
    ) -> None:
        """Put a small record of an event that can never be published on PARKED (raises when NATS is away,
        so the batch is retried; the record's id makes a second park of it a duplicate)."""
        record = {
            "relay": self.name,
            "notification_id": notification.id,
            "topic": notification.topic,
            "originator_id": str(notification.originator_id),
            "originator_version": notification.originator_version,
            "subject": subject,
            "size": size,
            "reason": reason,
        }
        epoch = await asyncio.to_thread(self._epoch)
        await self.js.publish(
            f"parked.relay-{self.app.name}.{subject or 'unmapped'}",
            json.dumps(record).encode(),
            stream=PARKED_STREAM,
            headers={
                "Nats-Msg-Id": f"parked:{epoch}:{notification.id}:{index}",
                "Parked-Reason": reason[:1000].replace("\n", " "),
                "Parked-Consumer": self.name,
                "Original-Subject": subject or notification.topic,
                "Original-Stream": f"log:{self.app.name}",
                "Original-Sequence": str(notification.id),
                "Original-Size": str(size),
            },
            timeout=2.0,
        )
        PARKED.labels(self.name).inc()
        log.error("relay %s parked notification %s (%s): %s", self.name, notification.id, subject, reason)

    def _crash_if(self, point: str, notification_id: int) -> None:
        if self._fault and self._fault[0] == point:
            self._seen += 1
            if self._seen >= self._fault[1]:
                log.error("fault injection: SIGKILL at %s of notification %s", point, notification_id)
                os.kill(os.getpid(), signal.SIGKILL)


def _parse_fault(value: str) -> tuple[str, int] | None:
    if not value:
        return None
    point, _, count = value.partition(":")
    return point, int(count or 1)
