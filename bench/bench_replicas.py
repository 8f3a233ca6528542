"""`make bench`, replicas part: one and two replicas of routing and of presence.

On a three-node NATS JetStream cluster (loopback, streams replicated three times):

1. Bare NATS request/reply through the cluster (Python client at both ends), sequential
   p50 and with 20 concurrent callers: the baselines, same run.
2. Routing decisions per second (20 concurrent callers on rpc.routing.plan.v1, the queue
   group) with one routing replica, then with two.
3. Presence writes per second through the API (16 clients) on PostgreSQL with one
   presence replica, then with two (clients split between them; one relay publishes).

On a 2-core machine shared with the load generator, a second replica shows what the
queue group and the relay lease cost and allow, not what a second machine would give.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import nats
import nats.errors

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_presence import bare_request_reply, drop_database, ms, postgres_env
from bench_routing import USERS, request, seed
from smartnumbers_contracts import routing as wire
from smartnumbers_kit import bus
from smartnumbers_kit.natsserver import cluster, find_binary
from smartnumbers_kit.serviceprocess import ServiceProcess, service_process
from smartnumbers_kit.tokens import generate_keypair, mint

from services.presence.tests.e2e import create_users

CALLERS, PER_CALLER = 20, 300


async def bare_throughput(url: str) -> float:
    server, client = await nats.connect(url), await nats.connect(url)

    async def echo(msg):
        await msg.respond(msg.data)

    await server.subscribe("bench.echo", cb=echo)
    await server.flush()
    await client.request("bench.echo", b"x", timeout=2)

    async def caller() -> None:
        for _ in range(PER_CALLER):
            await client.request("bench.echo", b"x" * 200, timeout=5)

    started = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(CALLERS)))
    elapsed = time.perf_counter() - started
    await server.close()
    await client.close()
    return CALLERS * PER_CALLER / elapsed


async def decisions_per_second(url: str) -> float:
    nc = await nats.connect(url)
    for i in range(200):  # warm up every replica's view
        await nc.request(wire.PLAN_REQUEST_SUBJECT, request(i), timeout=5)

    async def caller(k: int) -> None:
        for i in range(PER_CALLER):
            await nc.request(wire.PLAN_REQUEST_SUBJECT, request(k * PER_CALLER + i), timeout=5)

    started = time.perf_counter()
    await asyncio.gather(*(caller(k) for k in range(CALLERS)))
    elapsed = time.perf_counter() - started
    await nc.close()
    return CALLERS * PER_CALLER / elapsed


async def writes_per_second(bases: list[str], tokens: list[str], total: int = 1500) -> float:
    choices = ["voicemail", "available", "no_messages"]
    per_client = total // len(tokens)

    async def writer(k: int, token: str) -> None:
        base = bases[k % len(bases)]
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            for i in range(per_client):
                r = await http.put("/v1/users/me/availability", json={"availability": choices[i % 3]})
                assert r.status_code == 200, r.text

    started = time.perf_counter()
    await asyncio.gather(*(writer(k, t) for k, t in enumerate(tokens)))
    return per_client * len(tokens) / (time.perf_counter() - started)


def replica(name: str, tmp: Path, label: str, urls: str, public_key: Path, **env: str) -> ServiceProcess:
    (tmp / label).mkdir(exist_ok=True)
    return service_process(
        name,
        tmp / label / "var",
        urls,
        public_key,
        tmp / f"{label}.log",
        STREAM_REPLICAS="3",
        LOG_LEVEL="WARNING",
        **env,
    )


async def ensure_when_the_cluster_answers(js: Any, domain: str, wait_seconds: float = 60.0) -> None:
    """A new cluster answers JetStream requests only once its nodes have elected a meta leader:
    until then a request times out (seen on a busy machine), so ask again until it answers."""
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while True:
        try:
            await bus.ensure_stream(js, domain, 3)
            return
        except nats.errors.TimeoutError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


async def main() -> None:
    binary = find_binary()
    if binary is None:
        sys.exit("no nats-server binary: run `make install`")
    started: list[ServiceProcess] = []
    with tempfile.TemporaryDirectory(prefix="sn-bench-replicas-") as directory:
        tmp = Path(directory)
        nodes = cluster(binary, tmp)
        for node in nodes:
            node.start(timeout=30)
        urls = ",".join(node.url for node in nodes)
        first = nodes[0].url
        private_key, public_key = generate_keypair(tmp / "keys")
        private_pem = private_key.read_bytes()
        pg_env, pg_name = postgres_env()
        try:
            nc = await nats.connect(first)
            js = nc.jetstream()
            for domain in ("directory", "presence", "gateway", "mailbox", "routing"):
                await ensure_when_the_cluster_answers(js, domain)
            await nc.close()
            bare = await bare_request_reply(first)
            bare_rate = await bare_throughput(first)

            await seed(first)
            routing = []
            for k in range(2):
                process = replica("routing", tmp, f"routing-{k}", urls, public_key)
                process.start(timeout=60)
                started.append(process)
                routing.append(await decisions_per_second(first))

            presence: list[float] = []
            catch_up = float("nan")
            if pg_env is not None:
                org = "bench-replicas"
                users = [f"u{i}" for i in range(16)]
                tokens = [mint(private_pem, user=u, org=org) for u in users]
                bases = []
                for k in range(2):
                    process = replica("presence", tmp, f"presence-{k}", urls, public_key, **pg_env)
                    process.start(timeout=60)
                    started.append(process)
                    bases.append(process.url)
                    if k == 0:
                        admin = mint(private_pem, user="a", org=org, role="admin")
                        # Presence first applies every directory event the routing seed published.
                        caught_up = time.perf_counter()
                        await create_users(first, process.url, admin, org, *users, timeout=300)
                        catch_up = time.perf_counter() - caught_up
                    await writes_per_second(bases, tokens, total=160)  # warm up
                    presence.append(await writes_per_second(bases, tokens))
            bare_after = await bare_request_reply(first)
        finally:
            for process in started:
                process.stop()
            for node in nodes:
                node.stop()
            if pg_env is not None:
                drop_database(pg_name)

    base_p50 = statistics.median(bare + bare_after)
    print("\nsmartnumbers bench — replicas (3-node NATS cluster on loopback; figures of this run)\n")
    print(f"{'measure':<62}{'per second':>12}   ratio")
    print(f"{'bare NATS request/reply, 20 concurrent callers (baseline)':<62}{bare_rate:>12.0f}   1.00")
    for k, rate in enumerate(routing, 1):
        label = f"routing decisions, 20 concurrent callers, {k} replica{'s' if k > 1 else ''}"
        print(f"{label:<62}{rate:>12.0f}   {rate / bare_rate:.2f} of bare")
    for k, rate in enumerate(presence, 1):
        label = f"presence writes (API, PostgreSQL, 16 clients), {k} replica{'s' if k > 1 else ''}"
        print(f"{label:<62}{rate:>12.0f}   {1 / rate / base_p50:.1f}x a bare round trip per write")
    if not presence:
        print(f"presence writes/s: skipped — {pg_name}")
    else:
        applied = USERS + len(users) + 1
        print(
            f"the first presence replica applied the {applied:,} directory events on the stream "
            f"(the seed's and the bench's) in {catch_up:.1f} s: {applied / catch_up:.0f} events/s"
        )
    print(
        f"\nbare NATS round trip p50: {ms(base_p50)}; drift: first {ms(statistics.median(bare))}, "
        f"last {ms(statistics.median(bare_after))}"
    )


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    asyncio.run(main())
