"""Keeps the plans given to the gateway (the record of why), off the reply's path: the event
loop only enqueues; one thread saves what has queued up in one transaction.

The thread gathers plans for up to ``GATHER_SECONDS`` after the first before it saves: one
transaction (and one batch for the relay) per window rather than per call, which the profile
of sequential decisions showed to be most of routing's CPU. A plan is on record at most that
much later; a process that dies loses the plans not yet saved either way (they are the
record of why, not the call's record, which comes from the gateway's call events)."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime

from smartnumbers_contracts import routing as wire

log = logging.getLogger(__name__)
Batch = list[tuple[wire.RoutingPlan, datetime]]
MAX_BATCH = 500
GATHER_SECONDS = 0.05


class PlanKeeper:
    def __init__(self, save: Callable[[Batch], None], gather_seconds: float = GATHER_SECONDS) -> None:
        self.save = save
        self.gather_seconds = gather_seconds
        self._queue: queue.SimpleQueue[tuple[wire.RoutingPlan, datetime] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def __call__(self, plan: wire.RoutingPlan, at: datetime) -> None:
        """Enqueue (cheap, from the event loop)."""
        self._queue.put((plan, at))

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="plan-keeper", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Save what is queued, then end the thread."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            batch: Batch = [] if first is None else [first]
            stopping = first is None
            deadline = time.monotonic() + self.gather_seconds
            while not stopping and len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    break
                if item is None:
                    stopping = True
                else:
                    batch.append(item)
            if batch:
                try:
                    self.save(batch)
                except Exception:
                    log.exception("keeping the plans of %s call(s) failed", len(batch))
            if stopping:
                return
