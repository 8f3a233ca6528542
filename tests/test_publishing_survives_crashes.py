"""Publishing from the log: SIGKILL of presence, or a NATS restart, loses nothing and doubles nothing.

Real nats-server, real presence processes, real SIGKILL. The witness is a durable,
idempotent consumer built on the kit, as every service's consumers are.
"""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest
from smartnumbers_kit.relay import FAULT_ENV
from witness import Witness, committed_event_ids, stream_event_ids

from services.presence.tests.e2e import create_users, eventually, presence_process

pytestmark = pytest.mark.slow

AVAILABILITIES = ["available", "voicemail", "no_messages", "pc_ring"]


@pytest.fixture
def spawn(tmp_path, dev_keys):
    """Start presence processes for a test; whatever happens, none outlives it."""
    started = []

    def start(nats_url: str, **env: str):
        process = presence_process(tmp_path, nats_url, dev_keys[1], **env)
        started.append(process)
        process.start()
        return process

    yield start
    for process in started:
        process.kill()


async def write(client: httpx.AsyncClient, i: int) -> bool:
    """One presence change; False when the process is gone."""
    try:
        r = await client.put("/v1/users/me/availability", json={"availability": AVAILABILITIES[i % 4]})
        return r.status_code == 200
    except httpx.TransportError:
        return False


async def all_published_once(tmp, nats_url: str, witness: Witness) -> list[str]:
    async def check():
        return committed_event_ids(tmp / "var"), await stream_event_ids(nats_url), witness.applied()

    def complete(result):
        committed, stream, applied = result
        return sorted(committed) == sorted(set(stream)) and sorted(set(applied)) == sorted(committed)

    committed, stream, applied = await eventually(check, complete, timeout=30)
    assert len(stream) == len(set(stream)), "an event was published twice"
    assert witness.duplicates() == {}, "the witness acted twice on an event"
    assert len(applied) == len(committed)
    return committed


async def test_sigkill_before_during_and_after_publishing_loses_nothing(
    tmp_path, fresh_nats_server, spawn, mint
):
    nats_url, token = fresh_nats_server.url, mint("alice", "acme")
    headers = {"Authorization": f"Bearer {token}"}
    async with Witness(tmp_path, nats_url) as witness:
        service = spawn(nats_url)
        await create_users(nats_url, service.url, mint("admin", "acme", "admin"), "acme", "alice")
        await all_published_once(tmp_path, nats_url, witness)
        service.stop()

        i = 0
        for fault in ("before_publish:1", "before_publish:3", "after_publish:2", "after_record:2"):
            # 1. Presence runs with a fault: it SIGKILLs itself at that point of publishing.
            service = spawn(nats_url, **{FAULT_ENV: fault})
            async with httpx.AsyncClient(base_url=service.url, headers=headers) as client:
                while await write(client, i):
                    i += 1
            assert service.wait_dead() == -9, f"presence was not SIGKILLed at {fault}"
            # 2. It comes back without the fault and publishes what it had committed.
            service = spawn(nats_url)
            await all_published_once(tmp_path, nats_url, witness)
            service.stop()

        # 3. SIGKILL from outside at random moments while writes are in flight.
        before_random_kills = len(committed_event_ids(tmp_path / "var"))
        rng, interrupted = random.Random(7), 0
        for _ in range(4):
            service = spawn(nats_url)
            kill_after, done = rng.randint(1, 12), asyncio.Event()
            succeeded = 0

            async def counted_write(
                client: httpx.AsyncClient, n: int, kill_after: int = kill_after, done: asyncio.Event = done
            ) -> bool:
                nonlocal succeeded
                ok = await write(client, n)
                succeeded += ok
                if succeeded >= kill_after:
                    done.set()
                return ok

            async with httpx.AsyncClient(base_url=service.url, headers=headers) as client:
                writers = [asyncio.create_task(counted_write(client, i + k)) for k in range(40)]
                await asyncio.wait_for(done.wait(), 30)  # a random number of writes went through…
                service.kill()  # …and the rest are in flight
                interrupted += (await asyncio.gather(*writers)).count(False)
            i += 40
        service = spawn(nats_url)
        committed = await all_published_once(tmp_path, nats_url, witness)
        service.stop()
    assert len(committed) > before_random_kills, "the random kills hit a service that was writing"
    assert interrupted > 0, "some writes were cut off by the kills"


async def test_nats_restart_mid_stream_loses_nothing(tmp_path, fresh_nats_server, spawn, mint):
    nats_url = fresh_nats_server.url
    service = spawn(nats_url)
    try:
        await create_users(nats_url, service.url, mint("admin", "acme", "admin"), "acme", "alice")
        headers = {"Authorization": f"Bearer {mint('alice', 'acme')}"}
        async with (
            Witness(tmp_path, nats_url) as witness,
            httpx.AsyncClient(base_url=service.url, headers=headers) as client,
        ):
            for i in range(30):
                assert await write(client, i)
            # NATS goes away and comes back (same port, same JetStream store) mid-stream.
            fresh_nats_server.stop()
            for i in range(30, 60):
                assert await write(client, i), "presence keeps accepting changes while NATS is away"
            fresh_nats_server.start()
            for i in range(60, 90):
                assert await write(client, i)
            committed = await all_published_once(tmp_path, nats_url, witness)
        assert len(committed) >= 90
        async with httpx.AsyncClient(base_url=service.url) as c:
            await eventually(lambda: c.get("/readyz"), lambda r: r.status_code == 200)
    finally:
        service.stop()


async def test_graceful_shutdown_publishes_what_was_committed(tmp_path, fresh_nats_server, spawn, mint):
    nats_url = fresh_nats_server.url
    service = spawn(nats_url)
    await create_users(nats_url, service.url, mint("admin", "acme", "admin"), "acme", "alice")
    headers = {"Authorization": f"Bearer {mint('alice', 'acme')}"}
    # 1. Changes are committed while NATS is away, so none of them is published yet.
    fresh_nats_server.stop()
    async with httpx.AsyncClient(base_url=service.url, headers=headers) as client:
        assert all(await asyncio.gather(*(write(client, i) for i in range(30))))
    # 2. NATS comes back, and presence is told to stop at once (SIGTERM).
    fresh_nats_server.start()
    service.stop()
    log = (tmp_path / "presence.log").read_text()
    assert "Application shutdown complete" in log, "presence shut down gracefully, not killed"
    # 3. Not restarted: it published everything it had committed before it exited.
    stream = await stream_event_ids(nats_url)
    committed = committed_event_ids(tmp_path / "var")
    assert len(committed) >= 30
    assert sorted(stream) == sorted(committed)
