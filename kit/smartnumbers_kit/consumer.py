"""Consume contracts from a JetStream stream with a durable consumer, acting once on each.

A handler receives a contract and returns the aggregates it changed; the kit saves
them together with a tracking record of the message's stream sequence, in one
transaction. A message whose sequence is already tracked is acknowledged without
being handled again, so a redelivery after a crash never acts twice.

Messages are handled one at a time in stream order (``max_ack_pending=1``), so what
each message costs besides its handler adds up when a service catches up. It is kept to
one NATS round trip (``fetch(1)``) and one hop to a worker thread, where the tracking
check, the handler and the transaction run together off the event loop. The ack is sent
without waiting for the server's reply (``ack``, not ``ack_sync``): the server delivers
the next message only once it has the ack, and a lost ack only means a redelivery after
``ack_wait`` that the tracking check skips. An unreadable message is checked for
tracking first (acknowledged if applied before, else parked), in a hop of its own.

A handler that fails is retried with backoff; after ``max_deliveries`` tries the message
is *parked*: copied to the ``PARKED`` stream (subject ``parked.<consumer>.<subject>``,
with the error in its headers) for an operator, and terminated so the consumer can
move on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from eventsourcing.persistence import RecordConflictError, Tracking
from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError
from prometheus_client import Counter
from pydantic import ValidationError
from smartnumbers_contracts import Contract, contract_for_subject

from smartnumbers_kit.bus import PARKED_STREAM
from smartnumbers_kit.logs import bind_event_id
from smartnumbers_kit.store import ServiceApplication

log = logging.getLogger(__name__)

Handler = Callable[[Any], Sequence[Any]]
"""Takes a contract, returns the aggregates it changed (not yet saved)."""

HANDLED = Counter("consumer_handled_total", "Messages handled", ["consumer"])
FAILED = Counter("consumer_failures_total", "Handler failures (each try)", ["consumer"])
PARKED = Counter("consumer_parked_total", "Messages parked after the last try", ["consumer"])


class Consumer:
    def __init__(
        self,
        app: ServiceApplication,
        js: JetStreamContext,
        *,
        stream: str,
        durable: str,
        handlers: Mapping[type[Contract], Handler],
        max_deliveries: int = 5,
        backoff_seconds: Sequence[float] = (0.5, 2.0, 10.0, 30.0),
        ack_wait: float = 5.0,
        deliver_policy: DeliverPolicy = DeliverPolicy.ALL,
    ) -> None:
        self.app = app
        self.js = js
        self.stream = stream
        self.durable = durable
        self.handlers = {c.subject: h for c, h in handlers.items()}
        self.max_deliveries = max_deliveries
        self.backoff = list(backoff_seconds)
        self.ack_wait = ack_wait
        self.deliver_policy = deliver_policy
        self.tracking_name = f"consumer:{durable}"
        self._stopping = False
        self._busy = asyncio.Lock()

    async def run(self) -> None:
        config = ConsumerConfig(
            durable_name=self.durable,
            filter_subjects=sorted(self.handlers),
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=self.deliver_policy,
            max_ack_pending=1,
            # An ack lost while NATS restarts holds the next message back until ack_wait:
            # keep it short (redelivery of an applied message is harmless: it is tracked).
            ack_wait=self.ack_wait,
        )
        subscription = None
        while not self._stopping:
            try:
                if subscription is None:
                    await self._follow_new_subjects(config)
                    subscription = await self.js.pull_subscribe(
                        None,  # type: ignore[arg-type]  # nats-py binds a durable by name without a subject
                        durable=self.durable,
                        stream=self.stream,
                        config=config,
                    )
                messages = await subscription.fetch(1, timeout=1.0)
            except (NatsTimeoutError, TimeoutError):
                continue
            except Exception as e:  # NATS away: bind again shortly
                if not self._stopping:
                    log.warning("consumer %s cannot fetch (%s); retrying", self.durable, e)
                    subscription = None
                    await asyncio.sleep(0.5)
                continue
            for message in messages:
                async with self._busy:
                    await self._handle(message)
        if subscription is not None:
            with contextlib.suppress(Exception):  # already gone with the connection
                await subscription.unsubscribe()

    async def _follow_new_subjects(self, config: ConsumerConfig) -> None:
        """A durable made by an earlier version keeps the subjects it was made with (binding to it
        changes nothing): when this version handles other contracts, its filter is updated in
        place (NATS keeps the durable's position), so a new contract is not silently skipped."""
        try:
            info = await self.js.consumer_info(self.stream, self.durable)
        except NotFoundError:
            return  # pull_subscribe makes it with ``config``
        if (
            sorted(info.config.filter_subjects or [info.config.filter_subject or ""])
            != config.filter_subjects
        ):
            log.info("consumer %s: now following %s", self.durable, ", ".join(config.filter_subjects or []))
            await self.js.add_consumer(self.stream, config=config)

    async def stop(self) -> None:
        """Stop after the message in hand (graceful shutdown)."""
        self._stopping = True
        async with self._busy:
            pass

    async def _handle(self, message: Msg) -> None:
        sequence = message.metadata.sequence.stream
        tracking = Tracking(self.tracking_name, sequence)
        try:
            contract = contract_for_subject(message.subject).from_bytes(message.data)
        except (LookupError, ValidationError) as e:
            # Tracked first: an unreadable message applied before (by an earlier version
            # that could read it) is acknowledged, not parked.
            if await asyncio.to_thread(self.app.recorder.has_tracking_id, self.tracking_name, sequence):
                await self._ack(message)
            else:
                await self._park(message, f"unreadable message: {e}")
            return
        bind_event_id(str(contract.event_id))
        try:
            applied = await asyncio.to_thread(self._process, contract, tracking)
        except Exception as e:
            await self._failed(message, e, message.metadata.num_delivered)
            return
        if applied:
            HANDLED.labels(self.durable).inc()
        await self._ack(message)

    async def _failed(self, message: Msg, error: Exception, tries: int) -> None:
        """Try ``tries`` failed: again after the backoff, or parked after the last try."""
        FAILED.labels(self.durable).inc()
        if tries >= self.max_deliveries:
            await self._park(message, f"{type(error).__name__}: {error}")
            return
        delay = self.backoff[min(tries - 1, len(self.backoff) - 1)]
        log.warning(
            "consumer %s: try %s of %s failed (%s); again in %ss",
            self.durable,
            tries,
            self.max_deliveries,
            error,
            delay,
        )
        await message.nak(delay=delay)

    async def _ack(self, message: Msg) -> None:
        # Not ``ack_sync``: waiting for the server's reply costs a round trip per message and
        # guarantees nothing more. With ``max_ack_pending=1`` the server delivers the next
        # message only once it has this ack, and a lost ack is harmless either way (JetStream
        # redelivers after ``ack_wait``; the message is tracked, so it is skipped then).
        try:
            await message.ack()
        except Exception as e:  # connection closed or draining: lost, as above
            log.warning(
                "consumer %s: ack of stream seq %s not sent (%s)",
                self.durable,
                message.metadata.sequence.stream,
                e,
            )

    def _process(self, contract: Contract, tracking: Tracking) -> bool:
        """In a worker thread: True once applied, False when already tracked (applied before)."""
        if self.app.recorder.has_tracking_id(tracking.application_name, tracking.notification_id):
            return False
        self._apply(contract, tracking)
        return True

    def _apply(self, contract: Contract, tracking: Tracking) -> None:
        handler = self.handlers[contract.subject]
        for _ in range(5):
            aggregates = handler(contract)
            try:
                self.app.record_processed(tracking, *aggregates)
                return
            except RecordConflictError:
                # Either another replica tracked this message meanwhile (then it was
                # applied once: done), or an aggregate changed under us (try again).
                if self.app.recorder.has_tracking_id(tracking.application_name, tracking.notification_id):
                    return
        raise RuntimeError("aggregates kept changing concurrently; giving up this try")

    async def _park(self, message: Msg, reason: str) -> None:
        PARKED.labels(self.durable).inc()
        log.error(
            "consumer %s parked stream seq %s: %s", self.durable, message.metadata.sequence.stream, reason
        )
        await self.js.publish(
            f"parked.{self.durable}.{message.subject}",
            message.data,
            stream=PARKED_STREAM,
            headers={
                "Parked-Reason": reason[:1000].replace("\n", " "),
                "Parked-Consumer": self.durable,
                "Original-Subject": message.subject,
                "Original-Stream": self.stream,
                "Original-Sequence": str(message.metadata.sequence.stream),
            },
        )
        await message.term()
