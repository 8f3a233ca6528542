"""`make bench`, routing part: decisions through the request/reply subject, and read-model lag.

1. Bare NATS request/reply (Python client at both ends) — the baseline, same run.
2. Routing decisions through rpc.routing.plan.v1 (a real routing process): sequential
   p50/p99, and decisions per second with 20 concurrent callers.
3. Lag from an event's publication (JetStream's stored time) to routing's read model
   applying it: measured on routing's own StreamFollower + RoutingView, in this process.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import nats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_presence import bare_request_reply, ms, pct
from profiling import Profiler
from results import record
from smartnumbers_contracts import directory as d
from smartnumbers_contracts import presence as p
from smartnumbers_contracts import routing as wire
from smartnumbers_kit import bus
from smartnumbers_kit.follower import StreamFollower
from smartnumbers_kit.natsserver import NatsServer, find_binary
from smartnumbers_kit.tokens import generate_keypair
from smartnumbers_routing.read_model import RoutingView

from services.presence.tests.e2e import envelope
from services.routing.tests.e2e import routing_process

USERS = 1000
ORG = "bench"


def smartnumber(i: int) -> str:
    return f"+4416329{i:05d}"


async def seed(url: str, users: int = USERS) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    for domain in ("directory", "presence"):
        await bus.ensure_stream(js, domain)
    acks = []
    for i in range(users):
        user = f"u{i}"
        for contract in (
            d.UserCreated(
                **envelope(ORG),
                user_id=user,
                display_name=user,
                profile=d.UserProfile(display_name=user, smartnumber=smartnumber(i)),
            ),
            p.LocationChanged(
                **envelope(ORG),
                user_id=user,
                location="mobile",
                number=f"+4477009{i:05d}",
                previous_location="none",
                cause="selected",
            ),
            p.AvailabilityChanged(
                **envelope(ORG),
                user_id=user,
                availability=["available", "voicemail", "delegate"][i % 3],
                delegate_id=f"u{(i + 1) % users}",
            ),
        ):
            acks.append(await js.publish_async(contract.subject, contract.to_bytes()))
    await asyncio.gather(*acks)
    await nc.close()


_call_ids = itertools.count()
"""Each call its own id, as Asterisk gives each channel its own (a repeated id makes routing
re-read the call's kept plan, which no real call does)."""


def request(i: int) -> bytes:
    return (
        wire.PlanRequest(
            call_id=f"c{next(_call_ids)}",
            dialled=smartnumber(i % USERS),
            caller_number="+447700900555",
            at=datetime.now(UTC),
        )
        .model_dump_json()
        .encode()
    )


async def decisions(url: str, n: int = 3000) -> list[float]:
    nc = await nats.connect(url)
    for i in range(200):
        await nc.request(wire.PLAN_REQUEST_SUBJECT, request(i), timeout=2)
    samples = []
    for i in range(n):
        started = time.perf_counter()
        reply = await nc.request(wire.PLAN_REQUEST_SUBJECT, request(i), timeout=2)
        samples.append(time.perf_counter() - started)
    assert wire.RoutingPlan.model_validate_json(reply.data).call_for is not None
    await nc.close()
    return samples


async def throughput(url: str, callers: int = 20, per_caller: int = 300) -> float:
    nc = await nats.connect(url)

    async def caller(k: int) -> None:
        for i in range(per_caller):
            await nc.request(wire.PLAN_REQUEST_SUBJECT, request(k * per_caller + i), timeout=5)

    started = time.perf_counter()
    await asyncio.gather(*(caller(k) for k in range(callers)))
    elapsed = time.perf_counter() - started
    await nc.close()
    return callers * per_caller / elapsed


async def lag(url: str, n: int = 500) -> list[float]:
    nc = await nats.connect(url)
    js = nc.jetstream()
    view = RoutingView()
    follower = StreamFollower(js, "presence", view.apply)
    await follower.start()
    await follower.caught_up.wait()
    before = len(follower.lags)
    for i in range(n):
        e = p.AvailabilityChanged(**envelope(ORG), user_id=f"u{i % USERS}", availability="voicemail")
        ack = await js.publish(e.subject, e.to_bytes())
        await follower.wait_for(ack.seq, timeout=5)
    await follower.stop()
    await nc.close()
    return follower.lags[before:]


async def main() -> None:
    binary = find_binary()
    if binary is None:
        sys.exit("no nats-server binary: run `make install`")
    with tempfile.TemporaryDirectory(prefix="sn-bench-routing-") as directory:
        tmp = Path(directory)
        server = NatsServer(binary, tmp / "nats")
        server.start()
        _, public_key = generate_keypair(tmp / "keys")
        routing = routing_process(tmp, server.url, public_key, LOG_LEVEL="WARNING")
        profiler = Profiler()
        try:
            await seed(server.url)
            routing.start()
            assert routing.process is not None
            profiler.profile("routing", routing.process.pid)
            bare = await bare_request_reply(server.url)
            decided = await decisions(server.url)
            rate = await throughput(server.url)
            bare_rate_samples = await bare_request_reply(server.url, 1000)
            lags = await lag(server.url)
        finally:
            profiler.stop()
            routing.stop()
            server.stop()
    base50, base99 = statistics.median(bare), pct(bare, 99)
    d50, d99 = statistics.median(decided), pct(decided, 99)
    print(f"\nsmartnumbers bench — routing ({USERS} users; figures of this run, on this machine)\n")
    print(f"{'measure':<58}{'p50':>11}{'p99':>11}   ratio to bare NATS p50/p99")
    print(
        f"{'bare NATS request/reply round trip (baseline)':<58}{ms(base50):>11}{ms(base99):>11}   1.0 / 1.0"
    )
    print(
        f"{'routing decision through rpc.routing.plan.v1':<58}{ms(d50):>11}{ms(d99):>11}"
        f"   {d50 / base50:.2f} / {d99 / base99:.2f}"
    )
    print(
        f"{'event publication -> applied in routing read model':<58}{ms(statistics.median(lags)):>11}"
        f"{ms(pct(lags, 99)):>11}"
    )
    print(f"\n{'routing decisions/s, 20 concurrent callers':<58}{rate:>11.0f}")
    print(f"baseline drift: first {ms(base50)}, last {ms(statistics.median(bare_rate_samples))} (p50)")
    record("routing decision over the bus, p99 (hold it)", d99 / base99, 2.0, note=f"{d99 * 1000:.2f} ms")


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    asyncio.run(main())
