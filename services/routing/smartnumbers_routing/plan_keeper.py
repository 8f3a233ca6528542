"""Keeps the plans given to the gateway (the record of why), off the reply's path: the event
loop only enqueues; one thread saves whatever has queued up in one transaction."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from datetime import datetime

from smartnumbers_contracts import routing as wire

log = logging.getLogger(__name__)
Batch = list[tuple[wire.RoutingPlan, datetime]]
MAX_BATCH = 500


class PlanKeeper:
    def __init__(self, save: Callable[[Batch], None]) -> None:
        self.save = save
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
            while not stopping and len(batch) < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
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
