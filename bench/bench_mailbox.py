"""`make bench`, mailbox part: the mailbox's figures, each beside a baseline measured in the same run.

1. Bare NATS request/reply round trip (Python client at both ends) — the baseline.
2. A voicemail sent to a 1,000-member team: time until the API answers (every member's
   mailbox saved), time until the 1,000th new-message-count event reaches a NATS
   subscriber, and the bytes stored (the audio once) against 1,000 copies.
3. Deposit throughput: recordings left by callers through the API (8 concurrent clients).

2 and 3 run on SQLite, then on PostgreSQL at 127.0.0.1:5432 when it answers (a throwaway
database). Everything runs on loopback: a nats-server and mailbox processes (blobs on
disk) started here on free ports.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import nats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from smartnumbers_kit.natsserver import NatsServer, find_binary
from smartnumbers_kit.tokens import generate_keypair, mint

from bench.bench_presence import bare_request_reply, drop_database, ms, pct, postgres_env
from services.mailbox.tests.e2e import Directory, mailbox_process
from services.mailbox.tests.samples import tone_wav

MEMBERS = 1000
DEPOSITS = 400


def stored_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


async def broadcast(nats_url: str, base: str, token: str, org: str, audio: bytes) -> tuple[float, float]:
    """Seconds until the API answered, and until the last member's count event was on the bus."""
    nc = await nats.connect(nats_url)
    counted: set[str] = set()
    all_counted = asyncio.Event()

    async def seen(msg):
        if b'"new_count":1' in msg.data and org.encode() in msg.data:
            counted.add(msg.data.split(b'"owner_id":"')[1].split(b'"')[0].decode())
            if len(counted) >= MEMBERS:
                all_counted.set()

    await nc.subscribe("mailbox.mailbox.new_count_changed.v1", cb=seen)
    await nc.flush()
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
    ) as http:
        started = time.perf_counter()
        r = await http.post("/v1/voicemails", params={"to": "team:everyone"}, content=audio)
        answered = time.perf_counter() - started
        assert r.status_code == 201 and len(r.json()) == MEMBERS, r.text[:300]
    await asyncio.wait_for(all_counted.wait(), 120)
    on_bus = time.perf_counter() - started
    await nc.close()
    return answered, on_bus


async def deposits_per_second(base: str, token: str, users: list[str], audio: bytes) -> list[float]:
    samples: list[float] = []

    async def caller(k: int) -> None:
        async with httpx.AsyncClient(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as h:
            for i in range(k, DEPOSITS, 8):
                unique = audio[:-2] + struct.pack("<h", i)  # every caller's recording differs
                started = time.perf_counter()
                r = await h.post(
                    f"/v1/mailboxes/users/{users[i % len(users)]}/messages",
                    content=unique,
                    params={"caller_number": "+441632960001"},
                )
                samples.append(time.perf_counter() - started)
                assert r.status_code == 201, r.text

    started = time.perf_counter()
    await asyncio.gather(*(caller(k) for k in range(8)))
    return [DEPOSITS / (time.perf_counter() - started), *samples]


async def mailbox_figures(
    tmp: Path, nats_url: str, public_key: Path, pem: bytes, env: dict[str, str], label: str
) -> dict[str, object]:
    (tmp / label).mkdir()
    process = mailbox_process(tmp / label, nats_url, public_key, MAILBOX_SWEEP_SECONDS="3600", **env)
    process.start()
    try:
        org = f"bench-{label}"
        gateway = mint(pem, user="gw", org=org, role="service")
        members = [f"m{i:04d}" for i in range(MEMBERS)]
        directory = Directory(nats_url, process.url, gateway, org)
        await directory.users(*members, "sender")
        await directory.team("everyone", members)
        audio = tone_wav(10.0)  # ten seconds, 8 kHz mono: what Asterisk records
        blobs = tmp / label / "var" / "blobs"
        before = stored_bytes(blobs)
        answered, on_bus = await broadcast(
            nats_url, process.url, mint(pem, user="sender", org=org), org, audio
        )
        stored = stored_bytes(blobs) - before
        [throughput, *latencies] = await deposits_per_second(
            process.url, gateway, members[:50], tone_wav(5.0, hz=300)
        )
        return {
            "answered": answered,
            "on_bus": on_bus,
            "stored": stored,
            "copies": MEMBERS * len(audio),
            "throughput": throughput,
            "latencies": latencies,
        }
    finally:
        process.stop()


def row(measure: str, value: str, ratio: str) -> None:
    print(f"{measure:<62}{value:>12}   {ratio}")


def report(label: str, f: dict[str, Any], base_p50: float, base_p99: float) -> None:
    answered, on_bus, throughput = f["answered"], f["on_bus"], f["throughput"]
    print(label)
    row(f"  voicemail to a {MEMBERS}-member team: API answered", ms(answered), f"{answered / base_p50:,.0f}")
    row(f"    ... {MEMBERS}th new-count event at a NATS subscriber", ms(on_bus), f"{on_bus / base_p50:,.0f}")
    row("    ... bytes of audio stored", f"{f['stored']:,}", f"({MEMBERS} copies would be {f['copies']:,})")
    row(
        "  deposits/s through the API (5 s WAV, 8 clients)",
        f"{throughput:.1f}",
        f"({1 / throughput / base_p50:.0f}x a bare round trip per deposit)",
    )
    p50, p99 = statistics.median(f["latencies"]), pct(f["latencies"], 99)
    row(
        "    ... one deposit, p50 / p99",
        ms(p50),
        f"{p50 / base_p50:.0f}  (p99 {ms(p99).strip()}, {p99 / base_p99:.0f})",
    )


async def main() -> None:
    binary = find_binary()
    if binary is None:
        sys.exit("no nats-server binary: run `make install`")
    with tempfile.TemporaryDirectory(prefix="sn-bench-mailbox-") as directory:
        tmp = Path(directory)
        server = NatsServer(binary, tmp / "nats")
        server.start()
        private_key, public_key = generate_keypair(tmp / "keys")
        pem = private_key.read_bytes()
        try:
            bare = await bare_request_reply(server.url)
            sqlite = await mailbox_figures(
                tmp, server.url, public_key, pem, {"PERSISTENCE": "sqlite"}, "sqlite"
            )
            pg_env, pg_name = postgres_env()
            postgres = None
            if pg_env is not None:
                try:
                    postgres = await mailbox_figures(tmp, server.url, public_key, pem, pg_env, "postgres")
                finally:
                    drop_database(pg_name)
            bare_again = await bare_request_reply(server.url)
        finally:
            server.stop()

    base_p50 = statistics.median(bare + bare_again)
    base_p99 = pct(bare + bare_again, 99)
    print("\nsmartnumbers bench — mailbox (figures of this run, on this machine; blobs on disk)\n")
    print(f"{'measure':<62}{'value':>12}   ratio to bare NATS p50")
    print(
        f"{'bare NATS request/reply round trip p50 (baseline)':<62}{ms(base_p50):>12}   1.0"
        f"   (p99 {ms(base_p99).strip()})"
    )
    report("SQLite", sqlite, base_p50, base_p99)
    if postgres is not None:
        report("PostgreSQL", postgres, base_p50, base_p99)
    else:
        print(f"PostgreSQL: skipped — {pg_name}")
    print(
        f"\nbaseline drift within the run: first {ms(statistics.median(bare))}, "
        f"last {ms(statistics.median(bare_again))} (p50)"
    )


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    asyncio.run(main())
