"""The relay is never stopped by one event: a real store's log holds an event too large for
NATS and one its mapping refuses, then ordinary events; the ordinary ones are published on a
real nats-server and consumed, the two are parked (seen by ``smartnumbers-parked``), and a
restarted relay starts after them."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import nats
import pytest
from eventsourcing.domain import Aggregate, event
from prometheus_client import REGISTRY
from smartnumbers_contracts import Contract
from smartnumbers_contracts import directory as wire
from smartnumbers_kit import bus
from smartnumbers_kit.consumer import Consumer
from smartnumbers_kit.parked import parked_messages
from smartnumbers_kit.publishing import envelope
from smartnumbers_kit.relay import Relay
from smartnumbers_kit.store import ServiceApplication


class Roster(Aggregate):
    """Stand-in for a service's aggregate: each joiner becomes a ``UserCreated`` on the bus."""

    @event("Opened")
    def __init__(self) -> None:
        self.joined: list[str] = []

    @event("Joined")
    def join(self, user_id: str, display_name: str) -> None:
        self.joined.append(user_id)


class Tally(Aggregate):
    @event("Started")
    def __init__(self) -> None:
        self.seen: list[str] = []

    @event("Counted")
    def count(self, user_id: str) -> None:
        self.seen.append(user_id)


class SourceApp(ServiceApplication):
    name = "source"


class SinkApp(ServiceApplication):
    name = "sink"


def to_contracts(e: Any) -> Sequence[Contract]:
    if isinstance(e, Roster.Joined):  # type: ignore[attr-defined]  # made by @event
        # A user id the contract refuses (a pydantic ValidationError) is a mapping error.
        return [wire.UserCreated(**envelope(e, "acme"), user_id=e.user_id, display_name=e.display_name)]
    return []


def sqlite(tmp_path, name: str) -> dict[str, str]:
    return {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / f"{name}.sqlite")}


async def until(condition, within: float = 20.0) -> None:
    """Poll a store (the consumer's state has no event to await from outside)."""
    async with asyncio.timeout(within):
        while not await asyncio.to_thread(condition):
            await asyncio.sleep(0.02)


def parked_count() -> float:
    return REGISTRY.get_sample_value("relay_parked_total", {"relay": "relay:source"}) or 0.0


@pytest.mark.slow
async def test_a_poisoned_event_is_parked_and_the_events_after_it_are_published_and_consumed(
    tmp_path, fresh_nats_server
):
    nc = await nats.connect(fresh_nats_server.url)
    js = nc.jetstream()
    await bus.ensure_stream(js, "directory")
    await bus.ensure_parked_stream(js)
    source = SourceApp(sqlite(tmp_path, "source"))
    sink = SinkApp(sqlite(tmp_path, "sink"))
    tally = Tally()
    sink.save(tally)
    roster = Roster()
    # 1. The log: an ordinary event, one larger than the server's max payload, one the
    #    contract refuses, then ordinary events.
    roster.join("before", "Before")
    roster.join("huge", "x" * (nc.max_payload + 10))
    roster.join("not an id!", "Refused")
    roster.join("after1", "After One")
    roster.join("after2", "After Two")
    source.save(roster)
    parked_before = parked_count()

    def handle(e: wire.UserCreated) -> list[Any]:
        t = sink.repository.get(tally.id)
        t.count(e.user_id)
        return [t]

    consumer = Consumer(sink, js, stream="DIRECTORY", durable="sink", handlers={wire.UserCreated: handle})
    consuming = asyncio.create_task(consumer.run())
    relay = Relay(source, js, to_contracts, idle_poll_seconds=0.05)
    relaying = asyncio.create_task(relay.run())
    try:
        # 2. The events after the poisoned ones were published on NATS and consumed.
        await until(lambda: sink.repository.get(tally.id).seen == ["before", "after1", "after2"])
        latest = source.recorder.max_notification_id()
        await until(lambda: relay.position() == latest)
        relay.stop()
        await relaying

        # 3. Both were parked: visible to operators, counted in /metrics.
        parked = await parked_messages(fresh_nats_server.url)
        assert [(p.consumer, p.subject) for p in parked] == [
            ("relay:source", "directory.user.created.v1"),
            ("relay:source", parked[1].subject),
        ]
        huge, refused = (json.loads(p.data) for p in parked)
        assert huge["size"] > nc.max_payload and "over what the server takes" in huge["reason"]
        assert huge["subject"] == "directory.user.created.v1"
        assert "Joined" in refused["topic"] and "ValidationError" in refused["reason"]
        assert parked[1].original_stream == "log:source"
        assert parked_count() - parked_before == 2
        listed = (
            await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-m", "smartnumbers_kit.parked", "--nats", fresh_nats_server.url],
                capture_output=True,
                text=True,
                check=True,
            )
        ).stdout
        assert listed.count("relay:source") == 2 and "cannot be mapped" in listed

        # 4. Restart: a new relay starts after the parked events (its position is durable)
        #    and publishes what comes next, parking nothing again.
        roster = source.repository.get(roster.id)
        roster.join("after3", "After Three")
        source.save(roster)
        again = Relay(source, js, to_contracts, idle_poll_seconds=0.05)
        relaying = asyncio.create_task(again.run())
        await until(lambda: sink.repository.get(tally.id).seen[-1] == "after3")
        assert sink.repository.get(tally.id).seen == ["before", "after1", "after2", "after3"]
        assert len(await parked_messages(fresh_nats_server.url)) == 2
        assert parked_count() - parked_before == 2
        again.stop()
        await relaying
    finally:
        relay.stop()
        await consumer.stop()
        consuming.cancel()
        await nc.close()
        source.close()
        sink.close()


def test_the_stores_own_identity_is_never_handed_to_the_services_mapping(tmp_path, monkeypatch):
    """Every store makes a ``LogIdentity`` (its epoch) on first use: the kit's own, not in any
    service's PUBLISHED or PRIVATE table, so it must never reach ``to_contracts`` (which would
    log "no contract for the stored event" at ERROR on every start)."""
    for key, value in sqlite(tmp_path, "identity").items():
        monkeypatch.setenv(key, value)
    source = SourceApp()
    handed: list[str] = []

    def mapping(e: Any) -> Sequence[Contract]:
        handed.append(type(e).__qualname__)
        return []

    relay = Relay.__new__(Relay)  # only its mapping is exercised: no bus needed
    relay.app, relay.to_contracts, relay._log_epoch = source, mapping, None
    source.log_identity()  # the store's identity is made
    roster = Roster()
    source.save(roster)
    mapped = relay._map(source.notification_log.select(start=1, limit=10))
    assert len(mapped) == 2  # the identity, then the roster's opening
    assert handed == ["Roster.Opened"]
    assert all(contracts == [] for _, contracts in mapped)
