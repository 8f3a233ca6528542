"""Weekly schedules switch at their periods' starts: a clock-driven sweep (the clock is injected,
so tests move it instead of sleeping).

Which users have a schedule is kept in memory, recovered from the log at start-up and followed
in it at every sweep: with several presence replicas on one store, each knows the schedules set
through the others, so any one of them switches them when another is gone. Every replica's
sweep may try the same switch: the first to save it wins; the others' saves conflict with it
(the user's expected version), and their command, run again on fresh state, finds the period
already applied — one ``ScheduleSwitched`` per period start, whatever the number of replicas.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime

from eventsourcing.utils import get_topic
from smartnumbers_kit.errors import NotFound

from smartnumbers_presence.application import PresenceApplication
from smartnumbers_presence.domain.user_presence import UserPresence

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


class ScheduleWatch:
    def __init__(self, app: PresenceApplication, clock: Clock) -> None:
        self.app = app
        self.clock = clock
        self._scheduled: dict[tuple[str, str], datetime | None] = {}
        """Users with a schedule → when their next period starts (None: look now)."""
        self._generation: dict[tuple[str, str], int] = {}
        """Bumped when a user's schedule changes, so a sweep never stores a stale next start."""
        self._lock = threading.Lock()
        self._position: int | None = None
        """The last notification of the log read for schedule changes."""

    def recover(self) -> None:
        """Learn from the log who has a schedule: all of it at start-up, then what is new since."""
        topics = [get_topic(UserPresence.ScheduleChanged)]
        found: dict[tuple[str, str], bool] = {}
        start = self._position
        while batch := self.app.recorder.select_notifications(
            start, 500, topics=topics, inclusive_of_start=False
        ):
            for n in batch:
                event = self.app.mapper.to_domain_event(n)
                user = self.app.repository.get(event.originator_id)
                found[(user.organisation_id, user.user_id)] = bool(user.schedule)
            start = batch[-1].id
        with self._lock:
            self._position = start
            for key, scheduled in found.items():
                if scheduled:
                    self._scheduled[key] = None
                else:
                    self._scheduled.pop(key, None)

    def scheduled(self, organisation_id: str, user_id: str, has_schedule: bool) -> None:
        with self._lock:
            self._generation[(organisation_id, user_id)] = (
                self._generation.get((organisation_id, user_id), 0) + 1
            )
            if has_schedule:
                self._scheduled[(organisation_id, user_id)] = None
            else:
                self._scheduled.pop((organisation_id, user_id), None)

    def tick(self) -> int:
        """Switch every schedule whose next period has started by the clock's now; returns how many."""
        self.recover()  # schedules set through another replica since the last sweep
        now = self.clock()
        with self._lock:
            keys = sorted(k for k, due in self._scheduled.items() if due is None or due <= now)
            generations = {k: self._generation.get(k, 0) for k in keys}
        switched = 0
        for org, user in keys:
            try:
                switched += self.app.switch_schedule_if_due(org, user, now)
                due = self.app.next_schedule_switch(org, user, now)
            except NotFound:
                self.scheduled(org, user, False)
                continue
            with self._lock:
                if self._generation.get((org, user), 0) == generations.get((org, user), 0):
                    if due is None:
                        self._scheduled.pop((org, user), None)
                    elif (org, user) in self._scheduled:
                        self._scheduled[(org, user)] = due
        return switched

    async def run(self, every: float) -> None:
        while True:
            try:
                switched = await asyncio.to_thread(self.tick)
                if switched:
                    log.info("switched %s schedule(s)", switched)
            except Exception:
                log.exception("switching schedules failed; will try again")
            await asyncio.sleep(every)
