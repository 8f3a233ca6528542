"""`make bench`, presence part: presence's figures, each beside a baseline measured in the same run.

1. Bare NATS request/reply round trip (Python client at both ends) — the baseline.
2. A REST call is sent → its event arrives at a NATS subscriber (presence, SQLite); and
   whether the event had arrived before the call returned (presence answers a write only
   once its events are published, so it should always have).
3. Presence writes per second through the REST API, SQLite and PostgreSQL.

Everything runs on loopback: a nats-server started here on a free port, presence
processes started here, PostgreSQL at 127.0.0.1:5432 when it answers (a throwaway
database), else that row is skipped with the reason.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import nats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from profiling import Profiler, cpu_seconds
from results import record
from smartnumbers_kit.natsserver import NatsServer, find_binary
from smartnumbers_kit.serviceprocess import ServiceProcess
from smartnumbers_kit.tokens import generate_keypair, mint

from services.presence.tests.e2e import create_users, presence_process


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.3f} ms"


async def bare_request_reply(url: str, n: int = 3000) -> list[float]:
    server, client = await nats.connect(url), await nats.connect(url)

    async def echo(msg):
        await msg.respond(msg.data)

    await server.subscribe("bench.echo", cb=echo)
    await server.flush()
    for _ in range(200):  # warm up; the first requests may race the subscription's propagation
        try:
            await client.request("bench.echo", b"x" * 200, timeout=2)
        except nats.errors.NoRespondersError:
            await server.flush()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        await client.request("bench.echo", b"x" * 200, timeout=2)
        samples.append(time.perf_counter() - started)
    await server.close()
    await client.close()
    return samples


async def rest_to_event(url: str, base: str, tokens: list[str], n: int = 400) -> tuple[list[float], int]:
    """Each client (one per token, its own user) changes its availability ``n / len(tokens)`` times, in turn
    waiting for its event at a NATS subscriber: REST call sent -> that event arrived."""
    nc = await nats.connect(url)
    waiting: dict[str, asyncio.Future[float]] = {}

    async def seen(msg):
        future = waiting.get(json.loads(msg.data)["user_id"])
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    await nc.subscribe("presence.user.availability_changed.v1", cb=seen)
    await nc.flush()
    samples: list[float] = []
    before_return = 0
    choices = ["voicemail", "available"]

    async def client(token: str, user: str) -> None:
        nonlocal before_return
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            for i in range(n // len(tokens)):
                waiting[user] = asyncio.get_running_loop().create_future()
                sent = time.perf_counter()
                response = await http.put("/v1/users/me/availability", json={"availability": choices[i % 2]})
                returned = time.perf_counter()
                assert response.status_code == 200, response.text
                arrived = await asyncio.wait_for(waiting[user], 5)
                samples.append(arrived - sent)
                before_return += arrived <= returned

    await asyncio.gather(*(client(token, f"u{k}") for k, token in enumerate(tokens)))
    await nc.close()
    return samples, before_return


async def writes_per_second(base: str, tokens: list[str], total: int = 1500) -> float:
    choices = ["voicemail", "available", "no_messages"]
    per_client = total // len(tokens)

    async def writer(token: str) -> None:
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
            for i in range(per_client):
                r = await http.put("/v1/users/me/availability", json={"availability": choices[i % 3]})
                assert r.status_code == 200, r.text

    started = time.perf_counter()
    await asyncio.gather(*(writer(t) for t in tokens))
    return per_client * len(tokens) / (time.perf_counter() - started)


async def http_floor(tmp: Path) -> dict[str, object]:
    """The HTTP floor (bench/floors.py: uvicorn and FastAPI, a synchronous PUT that does nothing
    else), with the same clients: its round trip with one client, and its writes/s with 1 and 16."""
    process = ServiceProcess(
        "floors:create_http", {"PYTHONPATH": str(ROOT / "bench")}, log_file=tmp / "floor.log"
    )
    process.start(wait_for_nats=False)
    try:
        tokens = [f"floor-{k}" for k in range(16)]
        await writes_per_second(process.url, tokens, total=160)  # warm up
        samples = []
        async with httpx.AsyncClient(base_url=process.url) as http:
            for _ in range(400):
                started = time.perf_counter()
                r = await http.put("/v1/users/me/availability", json={"availability": "voicemail"})
                samples.append(time.perf_counter() - started)
                assert r.status_code == 200, r.text
        return {
            "round_trip": samples,
            "writes_per_second_1": await writes_per_second(process.url, tokens[:1], total=400),
            "writes_per_second_16": await writes_per_second(process.url, tokens, total=1600),
        }
    finally:
        process.stop()


def postgres_env() -> tuple[dict[str, str] | None, str]:
    try:
        import psycopg

        admin = psycopg.connect(
            host="127.0.0.1",
            port=5432,
            user="postgres",
            dbname="postgres",
            autocommit=True,
            connect_timeout=3,
        )
    except Exception as e:
        return None, f"no PostgreSQL at 127.0.0.1:5432 ({e})"
    name = f"sn_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return {
        "PERSISTENCE": "postgres",
        "POSTGRES_HOST": "127.0.0.1",
        "POSTGRES_PORT": "5432",
        "POSTGRES_USER": "postgres",
        "POSTGRES_PASSWORD": "",
        "POSTGRES_DBNAME": name,
    }, name


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def presence_figures(
    tmp: Path,
    nats_url: str,
    public_key: Path,
    private_pem: bytes,
    env: dict[str, str],
    label: str,
    measure_latency: bool,
) -> dict[str, object]:
    process = presence_process(tmp / label, nats_url, public_key, **env)
    (tmp / label).mkdir(exist_ok=True)
    process.start()
    profiler = Profiler()
    assert process.process is not None
    profiler.profile(f"presence-{label}", process.process.pid)
    try:
        org = f"bench-{label}"
        users = [f"u{i}" for i in range(16)]
        await create_users(
            nats_url, process.url, mint(private_pem, user="a", org=org, role="admin"), org, *users
        )
        tokens = [mint(private_pem, user=u, org=org) for u in users]
        figures: dict[str, object] = {}
        await writes_per_second(process.url, tokens, total=160)  # warm up
        for clients in (1, 16):
            if measure_latency:
                figures[f"rest_to_event_{clients}"] = await rest_to_event(
                    nats_url, process.url, tokens[:clients], n=400 if clients == 1 else 800
                )
            total = 400 if clients == 1 else 1600
            cpu = cpu_seconds(process.process.pid)
            figures[f"writes_per_second_{clients}"] = await writes_per_second(
                process.url, tokens[:clients], total=total
            )
            figures[f"cpu_per_write_{clients}"] = (cpu_seconds(process.process.pid) - cpu) / total
        return figures
    finally:
        profiler.stop()
        process.stop()


async def main() -> None:
    binary = find_binary()
    if binary is None:
        sys.exit("no nats-server binary: run `make install`")
    with tempfile.TemporaryDirectory(prefix="sn-bench-") as directory:
        tmp = Path(directory)
        server = NatsServer(binary, tmp / "nats")
        server.start()
        private_key, public_key = generate_keypair(tmp / "keys")
        private_pem = private_key.read_bytes()
        try:
            bare = await bare_request_reply(server.url)
            sqlite = await presence_figures(
                tmp, server.url, public_key, private_pem, {"PERSISTENCE": "sqlite"}, "sqlite", True
            )
            pg_env, pg_name = postgres_env()
            postgres = None
            if pg_env is not None:
                try:
                    postgres = await presence_figures(
                        tmp, server.url, public_key, private_pem, pg_env, "postgres", False
                    )
                finally:
                    drop_database(pg_name)
            floor = await http_floor(tmp)
            bare_rr = await bare_request_reply(server.url)  # again, to see the machine's drift
        finally:
            server.stop()

    base_p50 = statistics.median(bare + bare_rr)
    base_p99 = pct(bare + bare_rr, 99)
    print("\nsmartnumbers bench — presence (figures of this run, on this machine)\n")
    print(f"{'measure':<58}{'p50':>11}{'p99':>11}   ratio to bare NATS p50/p99")
    print(
        f"{'bare NATS request/reply round trip (baseline)':<58}{ms(base_p50):>11}{ms(base_p99):>11}   1.0 / 1.0"
    )
    latency: dict[int, tuple[float, float]] = {}
    for clients in (1, 16):
        samples, before_return = sqlite[f"rest_to_event_{clients}"]  # type: ignore[misc]
        p50, p99 = statistics.median(samples), pct(samples, 99)
        latency[clients] = (p50, p99)
        label = f"REST call sent -> its event at a subscriber, {clients} client{'s' if clients > 1 else ''}"
        print(f"{label:<58}{ms(p50):>11}{ms(p99):>11}   {p50 / base_p50:.1f} / {p99 / base_p99:.1f}")
        print(
            f"  the event had arrived before the REST call returned: {before_return} of {len(samples)} calls"
        )
    print()
    stores = [("SQLite", sqlite)] + ([("PostgreSQL", postgres)] if postgres is not None else [])
    for name, figures in stores:
        for clients in (1, 16):
            wps: float = figures[f"writes_per_second_{clients}"]  # type: ignore[assignment]
            label = (
                f"presence writes/s through the API, {name} ({clients} client{'s' if clients > 1 else ''})"
            )
            cpu: float = figures[f"cpu_per_write_{clients}"]  # type: ignore[assignment]
            print(
                f"{label:<58}{wps:>11.0f}   ({1 / wps / base_p50:.1f}x a bare round trip per write; "
                f"presence's CPU {cpu * 1000:.2f} ms per write)"
            )
    if postgres is None:
        print(f"presence writes/s, PostgreSQL: skipped — {pg_name}")
    floor_trip: list[float] = floor["round_trip"]  # type: ignore[assignment]
    f50, f99 = statistics.median(floor_trip), pct(floor_trip, 99)
    print("\nthe floor (bench/floors.py: uvicorn and FastAPI, a synchronous PUT that does nothing else):")
    print(
        f"{'  one PUT, sent -> answered (1 client)':<58}{ms(f50):>11}{ms(f99):>11}"
        f"   {f50 / base_p50:.1f} / {f99 / base_p99:.1f}"
    )
    for clients in (1, 16):
        label = f"  PUTs/s ({clients} client{'s' if clients > 1 else ''})"
        print(f"{label:<58}{floor[f'writes_per_second_{clients}']:>11.0f}")
    print("\nfrom 1 to 16 clients:")
    print(
        f"  REST -> event p50 {ms(latency[1][0])} -> {ms(latency[16][0])}, "
        f"p99 {ms(latency[1][1])} -> {ms(latency[16][1])}"
    )
    for name, figures in stores:
        one, many = figures["writes_per_second_1"], figures["writes_per_second_16"]
        print(f"  writes/s, {name}: {one:.0f} -> {many:.0f} ({many / one:.1f}x)")  # type: ignore[operator]
    print(
        f"\nbaseline drift within the run: first {ms(statistics.median(bare))}, "
        f"last {ms(statistics.median(bare_rr))} (p50)"
    )
    for clients in (1, 16):
        p50, p99 = latency[clients]
        at = f"{clients} client{'s' if clients > 1 else ''}"
        target = 5.0 if clients == 1 else None
        record(
            f"presence REST write -> its event at a subscriber, p50 ({at})",
            p50 / base_p50,
            target,
            note=f"{p50 * 1000:.2f} ms",
            floor=f50 / base_p50,
        )
        record(
            f"presence REST write -> its event at a subscriber, p99 ({at})",
            p99 / base_p99,
            target,
            note=f"{p99 * 1000:.2f} ms",
            floor=f99 / base_p99,
        )
    for name, figures in stores:
        record(
            f"presence writes/s through the API, 16 clients, {name}",
            figures["writes_per_second_16"],
            1000 if name == "SQLite" else 500,  # type: ignore[arg-type]
            better="higher",
            unit="/s",
            note=f"1 client: {figures['writes_per_second_1']:.0f}/s; "
            f"presence's CPU {figures['cpu_per_write_16'] * 1000:.2f} ms/write",  # type: ignore[operator]
            floor=floor["writes_per_second_16"],  # type: ignore[arg-type]
        )


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    asyncio.run(main())
