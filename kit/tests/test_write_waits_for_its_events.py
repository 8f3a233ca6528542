"""A write answers once its own events are on the bus (read-your-writes), known without asking the
store for the log's latest id: each thread remembers the notification id of what it committed.
A real store (SQLite and PostgreSQL in turn), a real nats-server, the kit's Runtime and relay."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import nats
import pytest
from eventsourcing.domain import Aggregate, event
from smartnumbers_contracts import Contract
from smartnumbers_contracts import directory as wire
from smartnumbers_kit.publishing import envelope
from smartnumbers_kit.runtime import Runtime
from smartnumbers_kit.settings import ServiceSettings
from smartnumbers_kit.store import ServiceApplication, persistence_env


class Roster(Aggregate):
    @event("Opened")
    def __init__(self) -> None:
        self.joined: list[str] = []

    @event("Joined")
    def join(self, user_id: str) -> None:
        self.joined.append(user_id)


class RosterApp(ServiceApplication):
    name = "roster"


def to_contracts(e: Any) -> Sequence[Contract]:
    if isinstance(e, Roster.Joined):  # type: ignore[attr-defined]  # made by @event
        return [wire.UserCreated(**envelope(e, "acme"), user_id=e.user_id, display_name=e.user_id)]
    return []


def in_thread(work: Any) -> Any:
    """Run ``work`` in a thread of its own (as each REST write runs in a worker thread)."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(work()))
    thread.start()
    thread.join(30)
    return result[0]


async def test_each_thread_knows_its_own_last_commit_and_a_write_returns_with_its_event_on_the_stream(
    persistence: dict[str, str], fresh_nats_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in persistence.items():
        monkeypatch.setenv(name, value)
    settings = ServiceSettings(nats_url=fresh_nats_server.url, service_name="roster")
    app = RosterApp(persistence_env(settings, "roster"))
    runtime = Runtime(settings, app, publishes="directory", to_contracts=to_contracts)
    nc = await nats.connect(fresh_nats_server.url)
    js = nc.jetstream()
    try:
        await runtime.start()
        await asyncio.wait_for(runtime.connected.wait(), 30)

        # 1. A thread that has committed nothing knows of no commit of its own.
        assert await asyncio.to_thread(in_thread, app.last_committed_here) is None

        # 2. Two writers: each knows the notification id of its own last event, not the other's.
        first, second = Roster(), Roster()

        def write(roster: Roster, user: str) -> tuple[int | None, bool]:
            roster.join(user)
            app.save(roster)
            mine = app.last_committed_here()
            return mine, runtime.wait_published(timeout=10)

        mine_a, published_a = await asyncio.to_thread(in_thread, lambda: write(first, "ann"))
        mine_b, published_b = await asyncio.to_thread(in_thread, lambda: write(second, "bob"))
        log = await asyncio.to_thread(app.recorder.select_notifications, 0, 100)
        joined = {n.originator_id: n.id for n in log if n.topic.endswith("Roster.Joined")}
        assert (mine_a, mine_b) == (joined[first.id], joined[second.id])
        assert published_a and published_b

        # 3. When the write returned, its event was already stored by JetStream (acked).
        last = await js.get_last_msg("DIRECTORY", "directory.user.created.v1")
        assert last.data is not None and b'"bob"' in last.data
        info = await js.stream_info("DIRECTORY")
        assert info.state.messages == 2
    finally:
        await nc.close()
        await runtime.stop()
