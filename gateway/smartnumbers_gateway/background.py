"""The gateway's background work, owned: every task it starts outside a request is held here.

An ``asyncio`` task nobody references can be garbage-collected mid-flight (ruff RUF006):
a call placed would then never say how it went. The composition root (``bootstrap``) holds
one ``BackgroundTasks``; on shutdown it waits for what is in flight, then cancels the rest.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class BackgroundTasks:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self.closing = asyncio.Event()

    def spawn(self, work: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        if self.closing.is_set():
            work.close()
            raise RuntimeError(f"the gateway is shutting down: {name} not started")
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    def __len__(self) -> int:
        return len(self._tasks)

    async def close(self, wait_seconds: float = 10.0) -> None:
        """Wait up to ``wait_seconds`` for the tasks in flight, then cancel what is left."""
        self.closing.set()
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=wait_seconds)
        for task in pending:
            log.warning("background task %s cancelled at shutdown", task.get_name())
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
