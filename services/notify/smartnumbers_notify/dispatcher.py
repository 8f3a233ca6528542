"""Hands each queued delivery to its sender, retries transient failures with backoff.

Every replica follows notify's own notification log (from the start, at start-up): each
``Queued`` delivery is indexed by organisation (the history endpoint reads the index).
One replica sends: the one holding notify's *dispatch lease* (the kit's lease on a
PostgreSQL advisory lock, as for the relay; with SQLite the only replica). When it takes
the lease, ``lead`` reads the log again: a delivery found mid-try (``sending``) that this
term did not start was interrupted between handing it over and recording the outcome (its
sender crashed, or lost the lease): it is recorded as failed, in doubt, and not sent again;
every pending one is sent. A try is handed over only while the lease is fresh
(``may_send``), so a holder that froze and lost it cannot send after its successor began.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import datetime
from uuid import UUID

from prometheus_client import Counter
from smartnumbers_kit.leadership import LeaseLost

from smartnumbers_notify.application import AlreadyClaimed, NotifyApplication
from smartnumbers_notify.domain.delivery import IN_DOUBT, Delivery, Status
from smartnumbers_notify.sending import Permanent, Sender, Transient

log = logging.getLogger(__name__)

OUTCOMES = Counter("notify_deliveries_total", "Deliveries finished or retried", ["channel", "outcome"])

FAULT_ENV = "SMARTNUMBERS_NOTIFY_FAULT"
"""Test-only: ``<point>:<n>`` SIGKILLs notify at ``point`` (``before_handover``,
``after_handover``: after the server accepted, before recording it) on the n-th try."""

QUEUED_TOPIC = "Delivery.Queued"


class Dispatcher:
    def __init__(
        self,
        app: NotifyApplication,
        senders: Mapping[str, Sender],
        *,
        clock: Callable[[], datetime],
        concurrency: int,
        backoff: list[float],
        max_attempts: int,
        may_send: Callable[[], bool] = lambda: True,
    ) -> None:
        self.app = app
        self.senders = senders
        self.clock = clock
        self.concurrency = concurrency
        self.backoff = backoff
        self.max_attempts = max_attempts
        self.by_organisation: dict[str, list[UUID]] = defaultdict(list)
        self._queue: asyncio.Queue[UUID] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._position = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._tries = 0
        self._stopping = False
        self.on_topic: dict[str, Callable[[UUID], None]] = {}
        """Others following notify's log: topic suffix -> called with the aggregate id (reports)."""
        point, _, n = os.environ.get(FAULT_ENV, "").partition(":")
        self._fault = (point, int(n)) if n else None
        self.may_send = may_send
        self._leading = False
        self._mine: set[UUID] = set()
        """Deliveries this term of the lease scheduled and has not finished."""
        app.on_commit(lambda: self._loop.call_soon_threadsafe(self._wake.set))

    async def start(self) -> None:
        """Follow the log (every replica); sending waits for ``lead``."""
        await self._follow_log()
        self._tasks.append(asyncio.create_task(self._follow(), name="notify-log"))

    async def lead(self) -> None:
        """Send, while this replica holds the dispatch lease (cancelled when it does not)."""
        self._queue = asyncio.Queue()
        self._mine = set()
        self._leading = True
        workers = [
            asyncio.create_task(self._work(), name=f"notify-worker-{i}") for i in range(self.concurrency)
        ]
        try:
            await self._take_over()
            await asyncio.Event().wait()
        finally:
            self._leading = False
            for worker in workers:
                worker.cancel()
            await asyncio.wait(workers, timeout=5.0)

    async def _take_over(self) -> None:
        """Every delivery of the log: mid-try ones not this term's are in doubt; pending ones are sent."""
        position = None
        while notifications := await asyncio.to_thread(
            self.app.recorder.select_notifications, position, 500, inclusive_of_start=False
        ):
            for n in notifications:
                if n.topic.endswith(QUEUED_TOPIC):
                    delivery = await asyncio.to_thread(self.app.delivery, n.originator_id)
                    await self._resume(delivery, taking_over=True)
            position = notifications[-1].id

    async def stop(self) -> None:
        """Stop following (and sending: the lease is stopped by the composition root). A try in
        flight is cut off: it is in doubt when a replica next takes the lease.

        Bounded: a library that swallows a cancellation (seen with an SMTP client closing) must not
        hold the shutdown, so workers also check ``_stopping`` and the wait has a timeout.
        """
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5.0)

    # -- following the log ---------------------------------------------------------
    async def _follow(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 1.0)
            self._wake.clear()
            try:
                await self._follow_log()
            except Exception:
                log.exception("cannot read notify's log; trying again")
                await asyncio.sleep(1.0)

    async def _follow_log(self) -> None:
        while True:
            notifications = await asyncio.to_thread(
                self.app.recorder.select_notifications, self._position, 500, inclusive_of_start=False
            )
            if not notifications:
                return
            for n in notifications:
                self._position = n.id
                for suffix, seen in self.on_topic.items():
                    if n.topic.endswith(suffix):
                        seen(n.originator_id)
                if n.topic.endswith(QUEUED_TOPIC):
                    delivery = await asyncio.to_thread(self.app.delivery, n.originator_id)
                    self.by_organisation[delivery.organisation_id].append(delivery.id)
                    if self._leading:
                        await self._resume(delivery, taking_over=False)

    async def _resume(self, delivery: Delivery, *, taking_over: bool) -> None:
        if delivery.id in self._mine:
            return  # already scheduled by this term
        if delivery.status == Status.SENDING and taking_over:
            await asyncio.to_thread(self.app.record_failure, delivery.id, IN_DOUBT, tried=False)
            OUTCOMES.labels(delivery.channel, "in_doubt").inc()
        elif delivery.pending:
            self._mine.add(delivery.id)
            self._schedule(delivery)

    def _schedule(self, delivery: Delivery) -> None:
        due = delivery.next_attempt_at or self.clock()
        delay = max(0.0, (due - self.clock()).total_seconds())
        if delay == 0:
            self._queue.put_nowait(delivery.id)
        else:
            self._loop.call_later(delay, self._queue.put_nowait, delivery.id)

    # -- sending ---------------------------------------------------------------------
    async def _work(self) -> None:
        while not self._stopping:
            delivery_id = await self._queue.get()
            try:
                await self._deliver(delivery_id)
            except (LeaseLost, AlreadyClaimed) as e:
                log.warning("delivery %s not handed over: %s", delivery_id, e)
                self._mine.discard(delivery_id)
            except Exception:
                log.exception("delivery %s: unexpected error; it will be tried again", delivery_id)
                self._loop.call_later(self.backoff[0], self._queue.put_nowait, delivery_id)

    async def _deliver(self, delivery_id: UUID) -> None:
        delivery = await asyncio.to_thread(self.app.delivery, delivery_id)
        if not delivery.pending:
            self._mine.discard(delivery_id)
            return
        claimed = False

        async def claim() -> None:
            nonlocal claimed
            if not self.may_send():
                raise LeaseLost("the dispatch lease is not confirmed: not sending")
            self._tries += 1
            self._maybe_fault("before_handover")
            await asyncio.to_thread(self.app.start_attempt, delivery_id)
            claimed = True

        try:
            detail = await self.senders[delivery.channel].send(delivery, claim)
        except Transient as e:
            changed = await asyncio.to_thread(
                self.app.record_transient_failure,
                delivery_id,
                str(e),
                self.backoff,
                self.max_attempts,
                claimed=claimed,
            )
            OUTCOMES.labels(delivery.channel, "retrying" if changed.pending else "failed").inc()
            log.warning("delivery %s (%s): %s", delivery_id, delivery.channel, e)
            if changed.pending:
                self._schedule(changed)
            else:
                self._mine.discard(delivery_id)
            return
        except Permanent as e:
            await asyncio.to_thread(self.app.record_failure, delivery_id, str(e), claimed=claimed)
            OUTCOMES.labels(delivery.channel, "failed").inc()
            self._mine.discard(delivery_id)
            return
        self._maybe_fault("after_handover")
        await asyncio.to_thread(self.app.record_sent, delivery_id, detail)
        OUTCOMES.labels(delivery.channel, "sent").inc()
        self._mine.discard(delivery_id)

    def _maybe_fault(self, point: str) -> None:
        if self._fault is not None and self._fault == (point, self._tries):
            log.error("fault injection: SIGKILL at %s on try %s", point, self._tries)
            os.kill(os.getpid(), signal.SIGKILL)
