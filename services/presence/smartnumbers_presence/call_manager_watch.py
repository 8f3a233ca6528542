"""Call Manager heartbeats, and expiry when they stop (PC ring needs a live Call Manager).

Heartbeats are frequent and worthless once old, so they are not events; connecting and
disconnecting are. Each replica keeps the heartbeats it received in memory and, once NATS
is up, also in the JetStream key-value bucket ``call_manager_heartbeats`` (one key per
session, the time as value), which every presence replica reads: a window may send its
heartbeats to any replica, and any replica's sweep sees the latest of them, so replicas
never expire each other's sessions. While NATS is away, each replica goes by what it
received itself. After a restart every session the log says is connected is given a
fresh grace period.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from eventsourcing.utils import get_topic
from smartnumbers_kit.errors import NotFound

from smartnumbers_presence.application import PresenceApplication
from smartnumbers_presence.domain.user_presence import UserPresence

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Key = tuple[str, str, str]  # organisation, user, session

BUCKET = "call_manager_heartbeats"
SHARED_TIMEOUT = 2.0


def _token(part: str) -> str:
    return base64.urlsafe_b64encode(part.encode()).decode().rstrip("=") or "_"


def _part(token: str) -> str:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()


def kv_key(key: Key) -> str:
    """A bucket key for a session (each part base64url, so dots and spaces in ids are safe)."""
    return ".".join(_token(part) for part in key)


def from_kv_key(text: str) -> Key:
    org, user, session = (_part(token) for token in text.split("."))
    return org, user, session


class SharedHeartbeats:
    """The bucket every presence replica writes its heartbeats to (called from worker threads)."""

    def __init__(self, kv: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.kv = kv
        self.loop = loop

    @classmethod
    async def open(cls, js: Any, replicas: int = 1) -> SharedHeartbeats:
        from nats.js.api import KeyValueConfig
        from nats.js.errors import BucketNotFoundError

        try:
            kv = await js.key_value(BUCKET)
        except BucketNotFoundError:
            kv = await js.create_key_value(KeyValueConfig(bucket=BUCKET, history=1, replicas=replicas))
        return cls(kv, asyncio.get_running_loop())

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(SHARED_TIMEOUT)

    def put(self, key: Key, at: datetime) -> None:
        self._run(self.kv.put(kv_key(key), at.isoformat().encode()))

    def delete(self, key: Key) -> None:
        self._run(self.kv.delete(kv_key(key)))

    def all(self) -> dict[Key, datetime]:
        async def read() -> dict[Key, datetime]:
            from nats.js.errors import KeyNotFoundError, NoKeysError

            try:
                keys = await self.kv.keys()
            except NoKeysError:
                return {}
            seen: dict[Key, datetime] = {}
            for key in keys:
                with contextlib.suppress(KeyNotFoundError):
                    entry = await self.kv.get(key)
                    if entry.value:
                        seen[from_kv_key(key)] = datetime.fromisoformat(entry.value.decode())
            return seen

        return self._run(read())  # type: ignore[no-any-return]


class CallManagerWatch:
    def __init__(self, app: PresenceApplication, clock: Clock, ttl: timedelta) -> None:
        self.app = app
        self.clock = clock
        self.ttl = ttl
        self._last_seen: dict[Key, datetime] = {}
        self._lock = threading.Lock()
        self.shared: SharedHeartbeats | None = None
        """Set once NATS is up: the heartbeats every replica received."""

    async def share(self, js: Any, replicas: int = 1) -> None:
        """Keep heartbeats in the bucket every replica reads (``Runtime.when_connected``)."""
        self.shared = await SharedHeartbeats.open(js, replicas)

    def _shared(self, action: str, call: Callable[[], Any]) -> Any:
        if self.shared is None:
            return None
        try:
            return call()
        except (Exception, concurrent.futures.TimeoutError) as e:
            log.warning(
                "cannot %s the shared Call Manager heartbeats (%s); going by this replica's", action, e
            )
            return None

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
        key, now = (organisation_id, user_id, session_id), self.clock()
        with self._lock:
            self._last_seen[key] = now
        shared = self.shared
        if shared is not None:
            self._shared("write", lambda: shared.put(key, now))

    def heartbeat(self, organisation_id: str, user_id: str, session_id: str) -> None:
        if not self.app.has_call_manager_session(organisation_id, user_id, session_id):
            raise NotFound(f"no Call Manager session {session_id!r} is connected: connect again")
        self.connected(organisation_id, user_id, session_id)

    def forget(self, organisation_id: str, user_id: str, session_id: str) -> None:
        key = (organisation_id, user_id, session_id)
        with self._lock:
            self._last_seen.pop(key, None)
        shared = self.shared
        if shared is not None:
            self._shared("delete from", lambda: shared.delete(key))

    def expire(self) -> int:
        """Disconnect every session whose heartbeats stopped (on every replica); returns how many."""
        deadline = self.clock() - self.ttl
        with self._lock:
            last_seen = dict(self._last_seen)
        shared = self.shared
        if shared is not None:
            for key, seen in (self._shared("read", shared.all) or {}).items():
                last_seen[key] = max(seen, last_seen.get(key, seen))
        stale = [key for key, seen in last_seen.items() if seen < deadline]
        expired = 0
        for org, user, session in stale:
            # Disconnected meanwhile (by the window, or another replica's sweep): nothing to do.
            with contextlib.suppress(NotFound):
                if self.app.has_call_manager_session(org, user, session):
                    self.app.disconnect_call_manager(org, user, session, expired=True)
                    expired += 1
            self.forget(org, user, session)
        return expired

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
