"""The kit's durable consumer against a real nats-server: once-only, retries, parking, restarts."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import nats
import pytest
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Tracking
from smartnumbers_contracts import directory as wire
from smartnumbers_kit import bus
from smartnumbers_kit.consumer import Consumer
from smartnumbers_kit.parked import parked_messages
from smartnumbers_kit.store import ServiceApplication


class Tally(Aggregate):
    """Counts the users it was told about (a stand-in for a service's state)."""

    @event("Started")
    def __init__(self) -> None:
        self.seen: list[str] = []

    @event("Counted")
    def count(self, user_id: str) -> None:
        self.seen.append(user_id)


class TallyApp(ServiceApplication):
    name = "tally"


def user_created(org: str, user: str) -> wire.UserCreated:
    return wire.UserCreated(
        event_id=uuid.uuid4(),
        organisation_id=org,
        occurred_at=datetime.now(UTC),
        user_id=user,
        display_name=user,
    )


@pytest.fixture
def app(tmp_path):
    app = TallyApp(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "t.sqlite")}
    )
    tally = Tally()
    app.save(tally)
    app.tally_id = tally.id
    yield app
    app.close()


@pytest.fixture
async def js(fresh_nats_server):
    nc = await nats.connect(fresh_nats_server.url)
    js = nc.jetstream()
    await bus.ensure_stream(js, "directory")
    await bus.ensure_parked_stream(js)
    yield js
    await nc.close()


def counting_handler(app, calls, fail_for=()):
    def handle(e: wire.UserCreated):
        calls.append(e.user_id)
        if e.user_id in fail_for and calls.count(e.user_id) <= fail_for[e.user_id]:
            raise RuntimeError(f"{e.user_id} is not welcome yet")
        tally = app.repository.get(app.tally_id)
        tally.count(e.user_id)
        return [tally]

    return handle


async def until(condition, timeout: float = 10.0) -> None:
    async def wait() -> None:
        while not condition():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(wait(), timeout)


async def run(consumer: Consumer) -> asyncio.Task:
    return asyncio.create_task(consumer.run())


async def test_a_failing_handler_is_retried_with_backoff_then_parked_and_the_rest_go_on(
    app, js, fresh_nats_server
):
    calls: list[str] = []
    handler = counting_handler(app, calls, fail_for={"flaky": 2, "broken": 99})
    consumer = Consumer(
        app,
        js,
        stream="DIRECTORY",
        durable="tally",
        handlers={wire.UserCreated: handler},
        max_deliveries=3,
        backoff_seconds=[0.05, 0.1],
    )
    for user in ("flaky", "broken", "after"):
        await js.publish("directory.user.created.v1", user_created("acme", user).to_bytes())
    task = await run(consumer)
    await until(lambda: "after" in app.repository.get(app.tally_id).seen)
    await consumer.stop()
    task.cancel()

    assert app.repository.get(app.tally_id).seen == ["flaky", "after"]
    assert calls.count("flaky") == 3 and calls.count("broken") == 3
    # The operator's view (smartnumbers-parked) shows what was given up on, and why.
    (parked,) = await parked_messages(fresh_nats_server.url)
    assert (parked.consumer, parked.subject, parked.original_sequence) == (
        "tally",
        "directory.user.created.v1",
        2,
    )
    assert "broken is not welcome yet" in parked.reason
    assert wire.UserCreated.from_bytes(parked.data).user_id == "broken"


async def test_an_unreadable_message_is_parked_at_once(app, js):
    calls: list[str] = []
    consumer = Consumer(
        app,
        js,
        stream="DIRECTORY",
        durable="tally",
        handlers={wire.UserCreated: counting_handler(app, calls)},
    )
    await js.publish("directory.user.created.v1", b'{"user_id": "no envelope"}')
    await js.publish("directory.user.created.v1", user_created("acme", "fine").to_bytes())
    task = await run(consumer)
    await until(lambda: "fine" in app.repository.get(app.tally_id).seen)
    await consumer.stop()
    task.cancel()
    parked = await js.get_last_msg("PARKED", "parked.tally.directory.user.created.v1")
    assert parked.headers["Parked-Reason"].startswith("unreadable message")
    assert calls == ["fine"]


async def test_a_message_applied_but_not_acknowledged_is_not_applied_again(app, js):
    # 1. A message is handled and its tracking committed, then the process dies before the ack.
    ack = await js.publish("directory.user.created.v1", user_created("acme", "once").to_bytes())
    tally = app.repository.get(app.tally_id)
    tally.count("once")
    app.record_processed(Tracking("consumer:tally", ack.seq), tally)
    # 2. The consumer starts again and JetStream redelivers it.
    calls: list[str] = []
    consumer = Consumer(
        app,
        js,
        stream="DIRECTORY",
        durable="tally",
        handlers={wire.UserCreated: counting_handler(app, calls)},
    )
    await js.publish("directory.user.created.v1", user_created("acme", "next").to_bytes())
    task = await run(consumer)
    await until(lambda: "next" in app.repository.get(app.tally_id).seen)
    await consumer.stop()
    task.cancel()
    # 3. It was acknowledged without acting twice.
    assert calls == ["next"]
    assert app.repository.get(app.tally_id).seen == ["once", "next"]


async def test_a_restarted_consumer_loses_nothing_and_repeats_nothing(app, js):
    calls: list[str] = []
    handlers = {wire.UserCreated: counting_handler(app, calls)}
    first = Consumer(app, js, stream="DIRECTORY", durable="tally", handlers=handlers)
    task = await run(first)
    for i in range(20):
        await js.publish("directory.user.created.v1", user_created("acme", f"u{i}").to_bytes())
    await until(lambda: len(app.repository.get(app.tally_id).seen) >= 5)
    await first.stop()
    task.cancel()
    for i in range(20, 40):  # published while no consumer runs
        await js.publish("directory.user.created.v1", user_created("acme", f"u{i}").to_bytes())
    second = Consumer(app, js, stream="DIRECTORY", durable="tally", handlers=handlers)
    task = await run(second)
    await until(lambda: len(app.repository.get(app.tally_id).seen) >= 40)
    await second.stop()
    task.cancel()
    assert app.repository.get(app.tally_id).seen == [f"u{i}" for i in range(40)]


async def test_a_durable_made_by_an_earlier_version_follows_the_contracts_a_new_version_handles(app, js):
    """Version 1 handled only UserCreated; version 2 also handles UserRemoved (a new handler on the
    same durable): the durable's filter is updated in place, so removals published since reach it,
    and nothing version 1 applied is applied again."""
    calls: list[str] = []

    def removed(e: wire.UserRemoved):
        calls.append(f"removed {e.user_id}")
        tally = app.repository.get(app.tally_id)
        tally.count(f"-{e.user_id}")
        return [tally]

    first = Consumer(
        app,
        js,
        stream="DIRECTORY",
        durable="tally",
        handlers={wire.UserCreated: counting_handler(app, calls)},
    )
    task = await run(first)
    await js.publish("directory.user.created.v1", user_created("acme", "ann").to_bytes())
    await until(lambda: app.repository.get(app.tally_id).seen == ["ann"])
    await first.stop()
    task.cancel()
    gone = wire.UserRemoved(
        event_id=uuid.uuid4(), organisation_id="acme", occurred_at=datetime.now(UTC), user_id="ann"
    )
    await js.publish("directory.user.removed.v1", gone.to_bytes())
    second = Consumer(
        app,
        js,
        stream="DIRECTORY",
        durable="tally",
        handlers={wire.UserCreated: counting_handler(app, calls), wire.UserRemoved: removed},
    )
    task = await run(second)
    await until(lambda: app.repository.get(app.tally_id).seen == ["ann", "-ann"])
    await second.stop()
    task.cancel()
    info = await js.consumer_info("DIRECTORY", "tally")
    assert sorted(info.config.filter_subjects) == ["directory.user.created.v1", "directory.user.removed.v1"]
    assert calls == ["ann", "removed ann"]
