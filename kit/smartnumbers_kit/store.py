"""The event store every service uses: an ``eventsourcing`` application on SQLite or PostgreSQL.

Each application gets a *process recorder*, so the same database also holds
tracking records: the relay's position in the notification log, and which bus
messages a consumer has applied (recorded atomically with the events they caused).
"""

from __future__ import annotations

import contextlib
import random
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import ProcessRecorder, RecordConflictError, Tracking
from eventsourcing.sqlite import SQLiteConnection, SQLiteFactory

from smartnumbers_kit.errors import Conflict
from smartnumbers_kit.private import create_private
from smartnumbers_kit.settings import ServiceSettings

COMMAND_ATTEMPTS = 8

SQLITE_SYNCHRONOUS = "SQLITE_SYNCHRONOUS"
"""``NORMAL`` (default) or ``FULL``: SQLite's ``PRAGMA synchronous`` on every connection."""


GIL_SWITCH_INTERVAL = 0.0005
"""Seconds a busy thread keeps the GIL when another asks for it (Python's default: 0.005).

A service's request threads and its relay call SQLite, which releases the GIL around each
statement; taking it back waits for the thread holding it (the event loop, most often) to
reach the switch interval. With the default, each of the half a dozen statements of a write
can wait up to 5 ms under load: the profile of 16 concurrent presence writers showed most of
their time in ``BEGIN`` (a statement that does nothing but take the GIL back)."""


def hand_over_the_gil_sooner() -> None:
    if sys.getswitchinterval() > GIL_SWITCH_INTERVAL:
        sys.setswitchinterval(GIL_SWITCH_INTERVAL)


class TunedSQLiteFactory(SQLiteFactory):
    """``eventsourcing.sqlite`` (WAL journal) with ``PRAGMA synchronous`` set on each connection.

    In WAL mode ``NORMAL`` does not fsync at each commit, only at checkpoints: a commit is
    durable once it returns for any crash of the process (SIGKILL included); only a crash of
    the machine's OS or power can lose the last transactions, which is JetStream's own
    durability (it syncs its files every two minutes by default). ``FULL`` (fsync per
    commit) is there for stores that want more. The cost ``FULL`` adds is one fsync per
    commit, the largest part of a write's time on this kind of disk.
    """

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        mode = (self.env.get(SQLITE_SYNCHRONOUS) or "NORMAL").upper()
        if mode not in ("NORMAL", "FULL", "EXTRA"):
            raise OSError(f"{SQLITE_SYNCHRONOUS} must be NORMAL, FULL or EXTRA, not {mode!r}")
        pool = self.datastore.pool
        create = pool._create_connection

        def create_tuned() -> SQLiteConnection:
            connection = create()
            connection._sqlite_conn.execute(f"PRAGMA synchronous={mode}")
            return connection

        pool._create_connection = create_tuned  # type: ignore[method-assign]


def persistence_env(settings: ServiceSettings, app_name: str) -> dict[str, str]:
    """The ``eventsourcing`` environment for one application of a service."""
    env = {"AGGREGATE_CACHE_MAXSIZE": "10000", "AGGREGATE_CACHE_FASTFORWARD": "y"}
    if settings.persistence == "sqlite":
        # Stores hold personal data and password hashes: 0600 before SQLite first opens them
        # (SQLite gives its -wal and -shm files the database file's mode).
        database = settings.var_dir / f"{app_name}.sqlite"
        create_private(database)
        env |= {
            "PERSISTENCE_MODULE": "smartnumbers_kit.store:TunedSQLiteFactory",
            "SQLITE_DBNAME": str(database),
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    else:
        env |= {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": settings.postgres_dbname,
            "POSTGRES_HOST": settings.postgres_host,
            "POSTGRES_PORT": str(settings.postgres_port),
            "POSTGRES_USER": settings.postgres_user,
            "POSTGRES_PASSWORD": settings.postgres_password,
            "POSTGRES_POOL_SIZE": str(settings.postgres_pool_size),
            "POSTGRES_MAX_OVERFLOW": str(settings.postgres_max_overflow),
            "CREATE_TABLE": "y",
        }
        if settings.postgres_schema:
            env["POSTGRES_SCHEMA"] = settings.postgres_schema
    return env


class LogIdentity(Aggregate):
    """A random id made once per store: what makes this log's event ids unique.

    Event ids are derived from it and each event's place in its aggregate, so a
    store that is wiped and started again never reuses an id a consumer has seen.
    """

    @staticmethod
    def create_id(application_name: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:{application_name}:log-identity")

    @event("Made")
    def __init__(self, application_name: str, epoch: UUID) -> None:
        self.application_name = application_name
        self.epoch = epoch


class ServiceApplication(Application[Any]):
    """Base of every service's event-sourced application."""

    recorder: ProcessRecorder

    def __init__(self, env: dict[str, str] | None = None) -> None:
        hand_over_the_gil_sooner()
        super().__init__(env)
        self._listeners: list[Callable[[], None]] = []
        self._listeners_lock = threading.Lock()
        self._command_locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
        self._committed_here = threading.local()

    def construct_recorder(self) -> ProcessRecorder:
        return self.factory.process_recorder()

    def log_identity(self) -> UUID:
        """This store's epoch (made on first use)."""
        identity_id = LogIdentity.create_id(self.name)
        try:
            return self.repository.get(identity_id).epoch
        except AggregateNotFoundError:
            with contextlib.suppress(RecordConflictError):  # another replica made it first
                self.save(LogIdentity(application_name=self.name, epoch=uuid4()))
            return self.repository.get(identity_id).epoch

    # -- waking the relay -------------------------------------------------
    def on_commit(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` (from the committing thread) after every commit."""
        with self._listeners_lock:
            self._listeners.append(listener)

    def last_committed_here(self) -> int | None:
        """The notification id of the last event this thread committed (None: it has committed none).

        What a REST write waits for before it answers (``Runtime.wait_published``): its own
        events, known without asking the store for the log's latest id."""
        last: int | None = getattr(self._committed_here, "notification_id", None)
        return last

    def _notify(self, recordings: list[Any]) -> None:
        ids = [r.notification.id for r in recordings if r.notification.id is not None]
        if ids:
            self._committed_here.notification_id = max(ids)
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener()

    # -- commands ---------------------------------------------------------
    def run_command(self, command: Callable[[], list[Any]], *, key: str | None = None) -> None:
        """Run ``command`` (load → decide → return aggregates to save) and save atomically.

        Commands with the same ``key`` (say, one user's) run one at a time in this
        process. A concurrent change from elsewhere makes the save conflict; the command
        then runs again on fresh state, a bounded number of times, and finally answers
        409 rather than failing.
        """
        with self._key_lock(key):
            for attempt in range(COMMAND_ATTEMPTS):
                aggregates = command()
                try:
                    self.save(*aggregates)
                    return
                except RecordConflictError:
                    # The cache only holds saved state and fast-forwards on get(),
                    # so running the command again sees the other writer's events.
                    time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise Conflict("this was changed at the same moment by someone else: please try again")

    def _key_lock(self, key: str | None) -> threading.Lock | contextlib.nullcontext[None]:
        if key is None:
            return contextlib.nullcontext()
        with self._listeners_lock:
            return self._command_locks.setdefault(key, threading.Lock())

    def record_processed(self, tracking: Tracking, *aggregates: Any) -> None:
        """Save ``aggregates`` and ``tracking`` in one transaction (consumer idempotency)."""
        processing: ProcessingEvent[Any] = ProcessingEvent(tracking)
        processing.collect_events(*aggregates)
        recordings = self._record(processing)
        self._notify(recordings)
