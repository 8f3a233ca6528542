"""A running service's moving parts: NATS connection, relay and consumers.

Built and started by the service's composition root (``bootstrap.py``); nothing here
connects at import time. The HTTP side keeps serving while NATS is away: writes are
stored, and the relay publishes them once NATS is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nats.aio.client import Client
from nats.js import JetStreamContext
from smartnumbers_contracts import Contract

from smartnumbers_kit import bus
from smartnumbers_kit.consumer import Consumer, Handler
from smartnumbers_kit.leadership import FencedJetStream, Leadership, leadership_for
from smartnumbers_kit.relay import Relay, ToContracts
from smartnumbers_kit.settings import ServiceSettings
from smartnumbers_kit.store import ServiceApplication

log = logging.getLogger(__name__)


@dataclass
class Subscription:
    """A durable consumer of another domain's stream."""

    domain: str
    durable: str
    handlers: Mapping[type[Contract], Handler] = field(default_factory=dict)


class Runtime:
    def __init__(
        self,
        settings: ServiceSettings,
        app: ServiceApplication,
        *,
        publishes: str,
        to_contracts: ToContracts,
        subscriptions: list[Subscription] | None = None,
        sends_commands_to: list[str] | None = None,
    ) -> None:
        self.settings = settings
        self.app = app
        self.publishes = publishes
        self.to_contracts = to_contracts
        self.subscriptions = subscriptions or []
        self.sends_commands_to = sends_commands_to or []
        """Other domains whose streams the relay publishes commands to (e.g. ``notify``)."""
        self.nc: Client | None = None
        self.js: JetStreamContext | None = None
        self.relay: Relay | None = None
        self.leadership: Leadership | None = None
        """Whether this replica's relay publishes (only the one holding the store's lease does)."""
        self.consumers: list[Consumer] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.connected = asyncio.Event()
        self._on_connect: list[Callable[[Client, JetStreamContext], Awaitable[None]]] = []
        self._on_stop: list[Callable[[], Awaitable[None]]] = []

    def when_connected(
        self,
        start: Callable[[Client, JetStreamContext], Awaitable[None]],
        stop: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Start something of the service's own once the bus is up (a follower, a responder)."""
        self._on_connect.append(start)
        if stop is not None:
            self._on_stop.append(stop)

    async def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._connect_then_run(), name="bus"))

    async def _connect_then_run(self) -> None:
        delay = 0.2
        while True:
            try:
                self.nc = await bus.connect(
                    self.settings.nats_url, self.settings.service_name, **self.settings.nats_credentials()
                )
                break
            except Exception as e:
                log.warning("cannot reach NATS at %s (%s); retrying", self.settings.nats_url, e)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
        self.js = self.nc.jetstream()
        replicas = self.settings.stream_replicas
        while True:
            try:
                await bus.ensure_stream(self.js, self.publishes, replicas)
                await bus.ensure_parked_stream(self.js, replicas)
                for domain in [s.domain for s in self.subscriptions] + self.sends_commands_to:
                    await bus.ensure_stream(self.js, domain, replicas)
                break
            except Exception as e:
                log.warning("cannot set up JetStream streams (%s); retrying", e)
                await asyncio.sleep(1.0)
        # With several replicas on one PostgreSQL, only the leaseholder's relay runs (and
        # publishes only while its lease is fresh).
        wake: list[Callable[[], None]] = []
        self.leadership = leadership_for(self.settings, self.app.name, lambda: wake[0]())
        fenced: Any = FencedJetStream(self.js, self.leadership.may_publish)
        self.relay = Relay(self.app, fenced, self.to_contracts)
        wake.append(self.relay.wake)
        self.app.on_commit(self.leadership.committed)
        self._tasks.append(asyncio.create_task(self.leadership.run(self.relay.run), name="relay"))
        for subscription in self.subscriptions:
            consumer = Consumer(
                self.app,
                self.js,
                stream=bus.stream_name(subscription.domain),
                durable=subscription.durable,
                handlers=subscription.handlers,
                max_deliveries=self.settings.consumer_max_deliveries,
                backoff_seconds=self.settings.consumer_backoff_seconds,
            )
            self.consumers.append(consumer)
            self._tasks.append(asyncio.create_task(consumer.run(), name=subscription.durable))
        for start in self._on_connect:
            await start(self.nc, self.js)
        self.connected.set()

    async def stop(self) -> None:
        """Finish in-flight work: the message in hand, and publishing what is committed."""
        for stop in self._on_stop:
            await stop()
        for consumer in self.consumers:
            await consumer.stop()
        if self.relay is not None and self.leadership is not None and self.leadership.is_leader:
            await self.relay.drain(timeout=self.settings.shutdown_drain_seconds)
        if self.leadership is not None:
            await self.leadership.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.nc is not None:
            # What is committed is published (above) and every consumer has stopped: flush and
            # close. (nc.drain() would wait on pull subscriptions that nobody reads any more,
            # and log "_GatheringFuture exception was never retrieved" when its wait ends.)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.nc.flush(), 2)
            await self.nc.close()
        self.app.close()

    def wait_published(self, timeout: float = 1.0) -> bool:
        """From a worker thread, after a command: wait until what it committed is on the bus.

        The command's events are the last this thread committed (``last_committed_here``: no
        query of the log's latest id on a write's path). So that when a REST call returns, its
        events are published and any read model that catches up with the stream sees them
        (read-your-writes across services).
        Returns at once (False) while NATS is away: writes never wait for the bus to come back.
        """
        if self.relay is None or self.nc is None or not self.nc.is_connected:
            return False
        latest = self.app.last_committed_here()
        if latest is None:  # nothing committed by this thread yet: everything committed so far
            latest = self.app.recorder.max_notification_id() or 0
        if self.leadership is None or self.leadership.is_leader:
            return self.relay.wait_published(latest, timeout)
        # Another replica's relay publishes: watch the position it records in the shared store.
        deadline = time.monotonic() + timeout
        while (self.relay.position() or 0) < latest:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.005)
        return True

    async def readiness(self) -> dict[str, bool]:
        nats_ok = self.nc is not None and self.nc.is_connected and self.connected.is_set()
        try:
            await asyncio.to_thread(self.app.recorder.max_notification_id)
            store_ok = True
        except Exception:
            store_ok = False
        return {"nats": nats_ok, "store": store_ok}
