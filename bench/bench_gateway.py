"""`make bench`, gateway part: FastAGI incoming-call decisions, against a FAKE Asterisk client.

1. Bare NATS request/reply (Python client at both ends) — the baseline, same run.
2. One incoming call = one FastAGI connection: header block, the gateway asks routing,
   sets the plan's variables, closes. Timed from connect to the connection's close
   (after the last variable set): sequential p50/p99.
3. Offered load: 500 new connections per second for 4 s (2,000 calls), each answered
   like Asterisk answers; counts calls that failed (refused, reset, timed out).
4. Decisions per second with 50 calls in flight.
5. Call Manager's live view: from the FAKE Asterisk sending the recorded DialBegin of a
   call to the "ringing for user X" event arriving at a NATS subscriber (gateway's AMI link,
   call tracker and publisher in this process).
Routing and the gateway run as their own processes on a nats-server started here.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_presence import bare_request_reply, ms, pct
from bench_routing import seed, smartnumber
from profiling import Profiler, cpu_seconds
from results import record
from smartnumbers_kit.natsserver import NatsServer, find_binary, free_port
from smartnumbers_kit.serviceprocess import ServiceProcess
from smartnumbers_kit.tokens import generate_keypair

from gateway.tests.fake_agi import FakeAgiChannel
from services.routing.tests.e2e import routing_process

_call_ids = itertools.count()
"""Each call its own id, as Asterisk gives each channel its own uniqueid (a repeated id would
make routing re-read the call's kept plan, which no real call does)."""


async def one_call(port: int, i: int, users: int) -> float:
    started = time.perf_counter()
    call_id = f"bench-{next(_call_ids)}"
    call = await FakeAgiChannel(port, args=[smartnumber(i % users).lstrip("+"), call_id]).run(timeout=5)
    if call.variables.get("SN_PLAN_STEPS") in (None, "0") or call.variables.get("SN_FALLBACK") == "1":
        raise RuntimeError(f"call {i}: no plan ({call.variables})")
    return time.perf_counter() - started


async def sequential(port: int, users: int, n: int = 1000) -> list[float]:
    for i in range(100):
        await one_call(port, i, users)
    return [await one_call(port, i * 7919, users) for i in range(n)]


async def offered(
    port: int, users: int, per_second: int = 500, seconds: int = 4
) -> tuple[int, int, list[float]]:
    tasks, failures = [], 0
    started = time.perf_counter()
    for i in range(per_second * seconds):
        delay = started + i / per_second - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)  # the offered load's clock, not a wait for an event
        tasks.append(asyncio.create_task(one_call(port, i * 7919, users)))
    results = await asyncio.gather(*tasks, return_exceptions=True)
    failures = sum(isinstance(r, BaseException) for r in results)
    return len(results), failures, [r for r in results if isinstance(r, float)]


async def concurrent(port: int, users: int, in_flight: int = 50, per_worker: int = 40) -> float:
    async def worker(k: int) -> None:
        for i in range(per_worker):
            await one_call(port, (k * per_worker + i) * 7919, users)

    started = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(in_flight)))
    return in_flight * per_worker / (time.perf_counter() - started)


async def ami_to_bus(url: str, n: int = 200) -> list[float]:
    """Recorded DialBegin sent by the fake AMI → gateway.call.ringing.v1 at a subscriber."""
    import nats
    from smartnumbers_contracts import routing as wire
    from smartnumbers_gateway.asterisk.ami import AmiLink
    from smartnumbers_gateway.incoming.call_events import CallTracker
    from smartnumbers_gateway.incoming.plans import PlansInFlight
    from smartnumbers_gateway.publisher import CallEventPublisher
    from smartnumbers_kit import bus

    from gateway.tests.fake_ami import FakeAmi, frame
    from gateway.tests.transcripts import events

    recorded = next(
        e
        for e in events("incoming-answered")
        if e.get("Event") == "DialBegin" and e.get("DialString", "").endswith("@phones")
    )
    fake = FakeAmi()
    port = await fake.start()
    nc = await nats.connect(url)
    js = nc.jetstream()
    await bus.ensure_stream(js, "gateway")
    publisher = CallEventPublisher(js)
    publisher.start()
    plans = PlansInFlight()
    link = AmiLink("127.0.0.1", port, "gateway", "s3cret", CallTracker(plans), publisher)
    link.start()
    await fake.logged_in()
    arrived: dict[str, float] = {}
    got = asyncio.Event()

    async def seen(msg) -> None:
        import json

        arrived[json.loads(msg.data)["call_id"]] = time.perf_counter()
        got.set()

    await nc.subscribe("gateway.call.ringing.v1", cb=seen)
    await nc.flush()
    samples = []
    for i in range(n):
        call_id = f"bench-{i}"
        plans.remember(
            wire.RoutingPlan(
                call_id=call_id,
                organisation_id="bench",
                dialled="+441632960001",
                call_for_kind="user",
                call_for="adam",
                reasons=[],
                steps=[wire.Step(kind="ring", targets=["+447700900001"], answered_by=["adam"])],
            )
        )
        got.clear()
        sent = time.perf_counter()
        for writer in fake._writers:
            writer.write(frame([(k, call_id if k == "Linkedid" else v) for k, v in recorded.items()]))
        await asyncio.wait_for(got.wait(), 5)
        samples.append(arrived[call_id] - sent)
    link.close()
    await publisher.drain()
    await nc.close()
    await fake.stop()
    return samples


async def run_at(users: int, with_live_view: bool) -> dict[str, object]:
    """Every figure with ``users`` users known to routing (a fresh NATS, routing and gateway)."""
    with tempfile.TemporaryDirectory(prefix="sn-bench-gateway-") as directory:
        tmp = Path(directory)
        binary = find_binary()
        assert binary is not None
        server = NatsServer(binary, tmp / "nats")
        server.start()
        private_key, public_key = generate_keypair(tmp / "keys")
        agi_port = free_port()
        profiler = Profiler()
        routing = routing_process(tmp, server.url, public_key, LOG_LEVEL="WARNING")
        gateway = ServiceProcess(
            "smartnumbers_gateway.main:create",
            {
                "NATS_URL": server.url,
                "FASTAGI_PORT": str(agi_port),
                "LOG_LEVEL": "WARNING",
                "JWT_PUBLIC_KEY_FILE": str(public_key),
                "GATEWAY_SIGNING_KEY_FILE": str(private_key),
                "VAR_DIR": str(tmp / "var-gw"),
                "SPOOL_DIR": str(tmp / "spool"),
                "GATEWAY_DIAL_TEMPLATE": "PJSIP/{e164}@trunk",
            },
            log_file=tmp / "gateway.log",
        )
        figures: dict[str, object] = {}
        try:
            await seed(server.url, users)
            routing.start()
            gateway.start()
            assert routing.process is not None and gateway.process is not None
            profiler.profile(f"gateway-{users}", gateway.process.pid)
            profiler.profile(f"routing-{users}", routing.process.pid)
            figures["bare"] = await bare_request_reply(server.url)
            figures["calls"] = await sequential(agi_port, users)
            figures["offered"] = await offered(agi_port, users)
            cpu = [cpu_seconds(gateway.process.pid), cpu_seconds(routing.process.pid), time.process_time()]
            figures["rate"] = await concurrent(agi_port, users)
            calls = 50 * 40
            figures["cpu_per_call"] = (
                (cpu_seconds(gateway.process.pid) - cpu[0]) / calls,
                (cpu_seconds(routing.process.pid) - cpu[1]) / calls,
                (time.process_time() - cpu[2]) / calls,
            )
            if with_live_view:
                figures["live"] = await ami_to_bus(server.url)
                figures["floor"] = await floor(server.url)
        finally:
            profiler.stop()
            gateway.stop()
            routing.stop()
            server.stop()
    return figures


def start_floor(port: int, nats_url: str) -> list[subprocess.Popen[bytes]]:
    """The floor's responder and FastAGI server, each its own process, once each says it is ready."""
    floors = str(ROOT / "bench" / "floors.py")
    processes = []
    for args in (["responder", nats_url], ["agi", str(port), nats_url]):
        process = subprocess.Popen([sys.executable, floors, *args], stdout=subprocess.PIPE)
        processes.append(process)
        assert process.stdout is not None and process.stdout.readline().strip() == b"ready"
    return processes


async def floor(nats_url: str) -> dict[str, float]:
    """The same three measures against the FastAGI floor (bench/floors.py): a bare server that
    asks a bare NATS responder once and sets one variable; nothing of smartnumbers."""
    port = free_port()
    processes = start_floor(port, nats_url)
    try:
        calls = await sequential(port, 1000)
        _, failed, offered_times = await offered(port, 1000)
        rate = await concurrent(port, 1000)
        return {
            "p50_ms": statistics.median(calls) * 1000,
            "p99_ms": pct(calls, 99) * 1000,
            "offered_p99_ms": pct(offered_times, 99) * 1000 if offered_times else float("nan"),
            "failed": failed,
            "rate": rate,
        }
    finally:
        for process in processes:
            process.kill()
            process.wait()


def report(users: int, figures: dict[str, object]) -> dict[str, float]:
    bare: list[float] = figures["bare"]  # type: ignore[assignment]
    calls: list[float] = figures["calls"]  # type: ignore[assignment]
    offered_total, failed, offered_times = figures["offered"]  # type: ignore[misc]
    rate: float = figures["rate"]  # type: ignore[assignment]
    base50, base99 = statistics.median(bare), pct(bare, 99)
    c50, c99 = statistics.median(calls), pct(calls, 99)
    print(f"\nsmartnumbers bench — gateway FastAGI ({users:,} users; figures of this run, on this machine)\n")
    print(f"{'measure':<58}{'p50':>11}{'p99':>11}   ratio to bare NATS p50/p99")
    print(
        f"{'bare NATS request/reply round trip (baseline)':<58}{ms(base50):>11}{ms(base99):>11}   1.0 / 1.0"
    )
    print(
        f"{'incoming call: connect -> last variable set (sequential)':<58}{ms(c50):>11}{ms(c99):>11}"
        f"   {c50 / base50:.1f} / {c99 / base99:.1f}"
    )
    o50 = o99 = float("nan")
    if offered_times:
        o50, o99 = statistics.median(offered_times), pct(offered_times, 99)
        print(
            f"{'same, under 500 connections/s offered for 4 s':<58}{ms(o50):>11}{ms(o99):>11}"
            f"   {o50 / base50:.1f} / {o99 / base99:.1f}"
        )
    print(f"\n500 connections/s for 4 s: {offered_total} calls, {failed} failed or dropped")
    print(f"{'incoming-call decisions/s, 50 calls in flight':<58}{rate:>11.0f}")
    gw_cpu, routing_cpu, fake_cpu = figures["cpu_per_call"]  # type: ignore[misc]
    print(
        f"  CPU per call (50 in flight): gateway {gw_cpu * 1000:.2f} ms, "
        f"routing {routing_cpu * 1000:.2f} ms, the FAKE Asterisk (this bench) {fake_cpu * 1000:.2f} ms "
        "(nats-server not counted)"
    )
    if "live" in figures:
        live: list[float] = figures["live"]  # type: ignore[assignment]
        l50, l99 = statistics.median(live), pct(live, 99)
        print(
            f"{'Asterisk rings (AMI DialBegin) -> ringing event on the bus':<58}{ms(l50):>11}{ms(l99):>11}"
            f"   {l50 / base50:.1f} / {l99 / base99:.1f}"
        )
    floor_ratios = {}
    if "floor" in figures:
        f: dict[str, float] = figures["floor"]  # type: ignore[assignment]
        floor_ratios = {
            "p50": f["p50_ms"] / 1000 / base50,
            "p99": f["p99_ms"] / 1000 / base99,
            "offered_p99": f["offered_p99_ms"] / 1000 / base99,
            "rate": f["rate"],
        }
        print("\nthe floor (bench/floors.py: a bare FastAGI server asking a bare NATS responder once):")
        print(
            f"{'  incoming call, sequential':<58}{f['p50_ms']:>8.3f} ms{f['p99_ms']:>8.3f} ms"
            f"   {floor_ratios['p50']:.1f} / {floor_ratios['p99']:.1f}"
        )
        print(
            f"{'  under 500 connections/s offered, p99':<58}{'':>11}{f['offered_p99_ms']:>8.3f} ms"
            f"   {floor_ratios['offered_p99']:.1f} ({f['failed']:.0f} failed)"
        )
        print(f"{'  calls/s, 50 in flight':<58}{f['rate']:>11.0f}")
    return {
        "floor": floor_ratios,  # type: ignore[dict-item]
        "p50": c50 / base50,
        "p99": c99 / base99,
        "p50_ms": c50 * 1000,
        "p99_ms": c99 * 1000,
        "offered_p99": o99 / base99,
        "offered_p99_ms": o99 * 1000,
        "failed": failed,
        "rate": rate,
        "gateway_cpu_ms": gw_cpu * 1000,
    }


async def main() -> None:
    if find_binary() is None:
        sys.exit("no nats-server binary: run `make install`")
    sizes = [int(n) for n in os.environ.get("BENCH_GATEWAY_USERS", "1000,10000").split(",")]
    results = {}
    for k, users in enumerate(sizes):
        results[users] = report(users, await run_at(users, with_live_view=k == 0))
    if len(sizes) > 1:
        small, large = results[sizes[0]], results[sizes[-1]]
        print(f"\nfrom {sizes[0]:,} to {sizes[-1]:,} users:")
        for key, label in (
            ("p50_ms", "incoming call p50 (ms)"),
            ("p99_ms", "incoming call p99 (ms)"),
            ("offered_p99_ms", "p99 under 500/s offered (ms)"),
            ("rate", "decisions/s, 50 in flight"),
        ):
            print(
                f"  {label:<34}{small[key]:>10.2f} -> {large[key]:>10.2f}  ({large[key] / small[key]:.2f}x)"
            )
    floors: dict[str, float] = results[sizes[0]]["floor"]  # type: ignore[assignment]
    for users in sizes:
        r = results[users]
        at = f"{users:,} users"
        record(
            f"incoming call, connect -> last variable set, p50 ({at})",
            r["p50"],
            3.0,
            note=f"{r['p50_ms']:.2f} ms",
            floor=floors.get("p50"),
        )
        record(
            f"incoming call, connect -> last variable set, p99 ({at})",
            r["p99"],
            3.0,
            note=f"{r['p99_ms']:.2f} ms",
            floor=floors.get("p99"),
        )
        record(
            f"same, under 500 connections/s offered, p99 ({at})",
            r["offered_p99"],
            10.0,
            note=f"{r['offered_p99_ms']:.1f} ms, {r['failed']} failed",
            floor=floors.get("offered_p99"),
        )
        record(
            f"incoming-call decisions/s, one gateway, 50 in flight ({at})",
            r["rate"],
            2000,
            better="higher",
            unit="/s",
            floor=floors.get("rate"),
        )


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    asyncio.run(main())
