"""Call Manager heartbeats, and expiry when they stop (PC ring needs a live Call Manager).

Heartbeats are frequent and worthless once old, so they are kept in memory, not in
the event store; connecting and disconnecting are events. After a restart every
session the log says is connected is given a fresh grace period. With several
replicas, route a session's heartbeats to one replica (or run one presence replica).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from eventsourcing.utils import get_topic
from smartnumbers_kit.errors import NotFound

from smartnumbers_presence.application import PresenceApplication
from smartnumbers_presence.domain.user_presence import UserPresence

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Key = tuple[str, str, str]  # organisation, user, session


class CallManagerWatch:
    def __init__(self, app: PresenceApplication, clock: Clock, ttl: timedelta) -> None:
        self.app = app
        self.clock = clock
        self.ttl = ttl
        self._last_seen: dict[Key, datetime] = {}
        self._lock = threading.Lock()

    def recover(self) -> None:
        """Give every session the log says is open a fresh grace period."""
        topics = [
            get_topic(UserPresence.CallManagerConnected),
            get_topic(UserPresence.CallManagerDisconnected),
        ]
        now, start, open_sessions = self.clock(), None, {}
        while batch := self.app.recorder.select_notifications(
            start, 500, topics=topics, inclusive_of_start=False
        ):
            for n in batch:
                event = self.app.mapper.to_domain_event(n)
                user = self.app.repository.get(event.originator_id)
                key = (user.organisation_id, user.user_id, event.session_id)
                if isinstance(event, UserPresence.CallManagerConnected):
                    open_sessions[key] = now
                else:
                    open_sessions.pop(key, None)
            start = batch[-1].id
        with self._lock:
            self._last_seen.update(open_sessions)

    def connected(self, organisation_id: str, user_id: str, session_id: str) -> None:
        with self._lock:
            self._last_seen[(organisation_id, user_id, session_id)] = self.clock()

    def heartbeat(self, organisation_id: str, user_id: str, session_id: str) -> None:
        if not self.app.has_call_manager_session(organisation_id, user_id, session_id):
            raise NotFound(f"no Call Manager session {session_id!r} is connected: connect again")
        self.connected(organisation_id, user_id, session_id)

    def forget(self, organisation_id: str, user_id: str, session_id: str) -> None:
        with self._lock:
            self._last_seen.pop((organisation_id, user_id, session_id), None)

    def expire(self) -> int:
        """Disconnect every session whose heartbeats stopped; returns how many."""
        deadline = self.clock() - self.ttl
        with self._lock:
            stale = [key for key, seen in self._last_seen.items() if seen < deadline]
        for org, user, session in stale:
            try:
                self.app.disconnect_call_manager(org, user, session, expired=True)
            except NotFound:
                pass
            self.forget(org, user, session)
        return len(stale)

    async def run(self, every: float) -> None:
        await asyncio.to_thread(self.recover)
        while True:
            await asyncio.sleep(every)
            try:
                expired = await asyncio.to_thread(self.expire)
                if expired:
                    log.info("expired %s Call Manager session(s)", expired)
            except Exception:
                log.exception("Call Manager expiry failed; will try again")
