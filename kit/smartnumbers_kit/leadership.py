"""Which replica's relay publishes: a lease on a PostgreSQL advisory lock.

Every replica of a writer shares one PostgreSQL store, so every replica could follow
its notification log onto the bus. Only the replica holding the lease does: the others
wait for it. The lease is a session-level advisory lock (``pg_try_advisory_lock``) held
on a connection of its own, keyed by the store's schema and application name:

- PostgreSQL releases it the moment the holder's connection ends, so a replica killed
  with SIGKILL hands over within ``retry_seconds`` (no TTL to wait out, nothing to renew
  while NATS is away);
- the holder checks its connection every ``check_seconds`` (TCP keepalives catch a
  silent peer) and stops its relay when it cannot be sure it still holds the lock;
- a holder that stops answering without dying (frozen, paused, starved) loses the lock
  too: its session has ``idle_session_timeout`` = ``lease_seconds``, so PostgreSQL ends it
  when it has not checked for that long, and another replica takes over. Its relay is
  *fenced*: :class:`FencedJetStream` refuses to publish unless the lease was confirmed
  less than ``lease_seconds - check_seconds`` ago, so a holder that wakes after a long
  pause cannot publish the batch it had in hand before it learns it lost the lease;
- a replica that becomes leader starts its relay from the position recorded in the store,
  never from one it remembers, so a replica that was slow or cut off never republishes an
  old backlog (only the batch in hand when it lost the lease, which JetStream's duplicate
  window drops).

Writes committed on a replica that does not hold the lease wake the leader's relay with
``NOTIFY`` on the same connection (the leader ``LISTEN``s), so they are published as
quickly as the leader's own.

With SQLite (one process, one file) there is nothing to share: :class:`SoleLeadership`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from prometheus_client import Gauge

from smartnumbers_kit.settings import ServiceSettings

log = logging.getLogger(__name__)

LEADER = Gauge("relay_leader", "1 when this replica holds the relay lease of its store", ["relay"])

Lead = Callable[[], Coroutine[Any, Any, None]]


class Leadership(Protocol):
    @property
    def is_leader(self) -> bool: ...

    async def run(self, lead: Lead) -> None:
        """Run ``lead()`` whenever this replica holds the lease; cancel it when it does not."""

    def committed(self) -> None:
        """Thread-safe: something was committed here (the leader's relay should look)."""

    def may_publish(self) -> bool:
        """Whether the relay may publish now (the lease is held and fresh)."""

    async def stop(self) -> None: ...


class SoleLeadership:
    """One replica only (SQLite): always the leader."""

    @property
    def is_leader(self) -> bool:
        return True

    async def run(self, lead: Lead) -> None:
        await lead()

    def committed(self) -> None:
        pass

    def may_publish(self) -> bool:
        return True

    async def stop(self) -> None:
        pass


def lock_key(schema: str, application: str) -> int:
    """A signed 64-bit advisory lock key for one store's relay."""
    digest = hashlib.blake2b(f"smartnumbers-relay:{schema}:{application}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresLeadership:
    def __init__(
        self,
        settings: ServiceSettings,
        application: str,
        *,
        wake: Callable[[], None],
        retry_seconds: float = 1.0,
        check_seconds: float = 2.0,
        lease_seconds: float = 10.0,
    ) -> None:
        self.settings = settings
        self.name = f"relay:{application}"
        self.key = lock_key(settings.postgres_schema or "public", application)
        self.channel = f"relay_{self.key & 0xFFFFFFFFFFFF:x}"
        self.wake = wake
        self.retry_seconds = retry_seconds
        self.check_seconds = check_seconds
        self.lease_seconds = lease_seconds
        self._confirmed = float("-inf")  # loop time the lease was last known to be ours
        self._leader = False
        self._stopping = False
        self._loop = asyncio.get_running_loop()
        self._pending_notify = asyncio.Event()

    @property
    def is_leader(self) -> bool:
        return self._leader

    def committed(self) -> None:
        if not self._leader:
            self._loop.call_soon_threadsafe(self._pending_notify.set)

    async def _connect(self) -> Any:
        import psycopg

        s = self.settings
        conn = await psycopg.AsyncConnection.connect(
            host=s.postgres_host,
            port=s.postgres_port,
            user=s.postgres_user,
            password=s.postgres_password,
            dbname=s.postgres_dbname,
            autocommit=True,
            connect_timeout=5,
            keepalives=1,
            keepalives_idle=5,
            keepalives_interval=2,
            keepalives_count=3,
            application_name=f"smartnumbers {self.name}",
        )
        # The lease's TTL: a session that stops checking in is ended, and its lock released.
        await conn.execute(f"SET idle_session_timeout = {int(self.lease_seconds * 1000)}")
        return conn

    def may_publish(self) -> bool:
        """True while the lease was confirmed recently enough that no other replica can hold it."""
        fresh = self._loop.time() - self._confirmed < self.lease_seconds - self.check_seconds
        return self._leader and fresh

    async def run(self, lead: Lead) -> None:
        while not self._stopping:
            try:
                conn = await self._connect()
            except Exception as e:
                log.warning("%s: cannot reach PostgreSQL for the lease (%s); retrying", self.name, e)
                await asyncio.sleep(self.retry_seconds)
                continue
            try:
                async with conn:
                    await self._follow_or_lead(conn, lead)
            except asyncio.CancelledError:
                raise
            except Exception as e:
                log.warning("%s: lease connection failed (%s); trying again", self.name, e)
            finally:
                self._set_leader(False)
            if not self._stopping:
                await asyncio.sleep(self.retry_seconds)

    async def _follow_or_lead(self, conn: Any, lead: Lead) -> None:
        while not self._stopping:
            got = (await (await conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))).fetchone())[0]
            if got:
                await self._lead(conn, lead)
                return
            # Not the leader: tell the leader about our commits, try again now and then.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._pending_notify.wait(), self.retry_seconds)
            if self._pending_notify.is_set():
                self._pending_notify.clear()
                await conn.execute(f"NOTIFY {self.channel}")

    async def _lead(self, conn: Any, lead: Lead) -> None:
        log.info("%s: this replica holds the relay lease", self.name)
        self._confirmed = self._loop.time()
        self._set_leader(True)
        await conn.execute(f"LISTEN {self.channel}")
        task: asyncio.Task[None] = asyncio.create_task(lead(), name=f"{self.name} (leader)")
        try:
            while not task.done() and not self._stopping:
                async for _ in conn.notifies(timeout=self.check_seconds, stop_after=1):
                    self.wake()
                checked = self._loop.time()
                await conn.execute("SELECT 1")  # still connected, so still holding the lock
                self._confirmed = checked
        finally:
            self._set_leader(False)
            if not task.done():
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            with contextlib.suppress(Exception):
                await conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            log.info("%s: this replica gave up the relay lease", self.name)

    def _set_leader(self, leader: bool) -> None:
        self._leader = leader
        LEADER.labels(self.name).set(1 if leader else 0)

    async def stop(self) -> None:
        self._stopping = True
        self._pending_notify.set()


class LeaseLost(Exception):
    """This replica cannot be sure it holds the relay lease: it must not publish."""


class FencedJetStream:
    """A JetStream context whose publishing methods first check ``may_publish`` (the relay's)."""

    def __init__(self, js: Any, may_publish: Callable[[], bool]) -> None:
        self._js = js
        self._may_publish = may_publish

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._js, name)
        if not name.startswith("publish") or not callable(attribute):
            return attribute
        may_publish = self._may_publish

        def fenced(*args: Any, **kwargs: Any) -> Any:
            if not may_publish():
                raise LeaseLost("the relay lease is not confirmed: not publishing")
            return attribute(*args, **kwargs)

        return fenced


def leadership_for(settings: ServiceSettings, application: str, wake: Callable[[], None]) -> Leadership:
    if settings.persistence == "postgres":
        return PostgresLeadership(settings, application, wake=wake)
    return SoleLeadership()
