"""`make bench`, directory part: search and reverse lookup with 10,000 users and 100,000 contacts.

Seeding 110,000 items through the REST API would take most of an hour on this machine,
so this bench writes the aggregates through the directory application directly, in this
process, into the same SQLite store the service then opens (one argon2 hash is made once
and given to every seeded user). The service replays that store into its in-memory read
side at start-up (the start-up time is printed); every figure below is then measured
through the REST API, beside a bare NATS request/reply measured in the same run.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_presence import bare_request_reply, ms, pct
from results import record
from smartnumbers_directory.application import DirectoryApplication
from smartnumbers_directory.domain.contact import Contact
from smartnumbers_directory.domain.number_claim import NumberClaim
from smartnumbers_directory.domain.organisation import Organisation
from smartnumbers_directory.domain.user import User
from smartnumbers_directory.hashing import Argon2Hasher
from smartnumbers_directory.settings import DirectorySettings
from smartnumbers_kit.natsserver import NatsServer, find_binary
from smartnumbers_kit.serviceprocess import ServiceProcess
from smartnumbers_kit.store import persistence_env
from smartnumbers_kit.tokens import generate_keypair, mint

from services.directory.tests.e2e import directory_process

ORG = "bench"
USERS, CONTACTS, BATCH = 10_000, 100_000, 2_000
FIRST = [
    "Ann",
    "Anna",
    "Bob",
    "Björn",
    "Carol",
    "Chloé",
    "David",
    "Émile",
    "Fatima",
    "George",
    "Hannah",
    "Ian",
    "Joanne",
    "Karl",
    "Léa",
    "Mohammed",
    "Niamh",
    "Olu",
    "Priya",
    "Quentin",
    "Rosa",
    "Søren",
    "Tomás",
    "Una",
    "Victor",
    "Wen",
    "Xavier",
    "Yusuf",
    "Zoë",
] + [f"Name{i}" for i in range(170)]
LAST = [
    "Smith",
    "Jones",
    "Åkesson",
    "Brown",
    "Černý",
    "Davies",
    "Evans",
    "García",
    "Hughes",
    "Ito",
    "Jensen",
    "Kowalski",
    "López",
    "Müller",
    "Nguyen",
    "O'Brien",
    "Patel",
    "Quinn",
    "Rossi",
    "Søndergaard",
    "Taylor",
] + [f"Surname{i}" for i in range(480)]


def user_number(i: int) -> str:
    return f"+44161{i:07d}"


def contact_number(i: int) -> str:
    return f"+4420{i:08d}"


def seed(var_dir: Path) -> tuple[float, dict[str, list[float]]]:
    os.environ.update({"PERSISTENCE": "sqlite", "VAR_DIR": str(var_dir)})
    hasher = Argon2Hasher()
    app = DirectoryApplication(persistence_env(DirectorySettings(), "directory"), hasher=hasher)
    started = time.perf_counter()
    rng = random.Random(7)
    app.save(Organisation.configure(ORG, "Bench Ltd", "GB"))
    password_hash = hasher.hash("739182")
    batch: list[object] = []

    def flush() -> None:
        app.save(*batch)
        batch.clear()

    for i in range(USERS):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        profile = {
            "display_name": f"{first} {last}",
            "first_name": first,
            "last_name": last,
            "smartnumber": user_number(i),
            "mailbox_number": None,
            "sms_number": None,
            "email": None,
            "time_zone": "Europe/London",
            "language": "en",
        }
        batch.append(
            User(
                organisation_id=ORG,
                user_id=f"u{i}",
                profile=profile,
                role="user",
                password_hash=password_hash,
            )
        )
        claim = NumberClaim(number=user_number(i))
        claim.claim(ORG, "user", f"u{i}", "smartnumber")
        batch.append(claim)
        if len(batch) >= BATCH:
            flush()
    for i in range(CONTACTS):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        visibility = "private" if i % 10 == 0 else "staff"
        batch.append(
            Contact.add(
                ORG,
                f"c{i}",
                f"u{i % USERS}",
                {
                    "first_name": first,
                    "last_name": last,
                    "company": f"Company {i % 997}",
                    "numbers": {"office": [contact_number(i)]},
                    "viewable_by": visibility,
                    "editable_by": visibility,
                },
            )
        )
        if len(batch) >= BATCH:
            flush()
    flush()
    seeded = time.perf_counter() - started
    in_process = lookups_in_process(app)
    in_process["last_notification"] = [app.recorder.max_notification_id() or 0]
    app.close()
    return seeded, in_process


def lookups_in_process(app: DirectoryApplication) -> dict[str, list[float]]:
    """The same queries on the seeding application's own read side: the cost without HTTP."""
    from smartnumbers_kit.auth import Principal, Role

    reader, rng = Principal("u1", ORG, Role.USER), random.Random(5)
    figures: dict[str, list[float]] = {"search": [], "reverse": []}
    for _ in range(600):
        started = time.perf_counter()
        app.queries.search(reader, rng.choice(LAST[:21]))
        figures["search"].append(time.perf_counter() - started)
        number = contact_number(rng.randrange(CONTACTS))
        started = time.perf_counter()
        app.queries.reverse_lookup(reader, "u1", number)
        figures["reverse"].append(time.perf_counter() - started)
    return figures


async def relay_caught_up(url: str, last: int) -> float:
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url) as http:
        while True:
            for line in (await http.get("/metrics")).text.splitlines():
                if (
                    line.startswith('relay_position{relay="relay:directory"}')
                    and float(line.split()[-1]) >= last
                ):
                    return time.perf_counter() - started
            await asyncio.sleep(0.5)


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def timed(http: httpx.AsyncClient, requests: list[tuple[str, dict[str, str]]]) -> list[float]:
    samples = []
    for path, params in requests:
        started = time.perf_counter()
        r = await http.get(path, params=params)
        samples.append(time.perf_counter() - started)
        assert r.status_code in (200, 404), r.text
    return samples


async def http_floor(tmp: Path, token: str, lookups: list[str]) -> list[float]:
    """The same reverse lookups against the HTTP floor (bench/floors.py: uvicorn and FastAPI
    answering "nobody", no token check, no index), with the same client."""
    floor = ServiceProcess(
        "floors:create_http", {"PYTHONPATH": str(Path(__file__).parent)}, log_file=tmp / "floor.log"
    )
    floor.start(wait_for_nats=False)
    try:
        async with httpx.AsyncClient(
            base_url=floor.url, headers={"Authorization": f"Bearer {token}"}
        ) as http:
            await timed(http, [("/v1/reverse-lookup", {"number": n}) for n in lookups[:50]])  # warm up
            return await timed(http, [("/v1/reverse-lookup", {"number": n}) for n in lookups])
    finally:
        floor.stop()


async def main() -> None:
    binary = find_binary()
    if binary is None:
        sys.exit("no nats-server binary: run `make install`")
    with tempfile.TemporaryDirectory(prefix="sn-bench-directory-") as directory:
        tmp = Path(directory)
        keys = generate_keypair(tmp / "keys")
        print(
            f"seeding {USERS:,} users and {CONTACTS:,} contacts into SQLite (directly, see the docstring)…",
            flush=True,
        )
        seeded, in_process = seed(tmp / "var")
        server = NatsServer(binary, tmp / "nats")
        server.start()
        process = directory_process(tmp, server.url, keys)
        try:
            started = time.perf_counter()
            process.start(timeout=600)
            startup = time.perf_counter() - started
            # The relay publishes the 110,000 seeded events first; measure once it is done.
            published = await relay_caught_up(process.url, int(in_process.pop("last_notification")[0]))
            bare = await bare_request_reply(server.url)
            rng = random.Random(11)
            token = mint(keys[0].read_bytes(), user="u1", org=ORG)
            names = [rng.choice(LAST[:21]) for _ in range(300)] + [
                f"{rng.choice(FIRST[:29])[:3]} {rng.choice(LAST[:21])[:2]}" for _ in range(300)
            ]
            numbers = [contact_number(rng.randrange(CONTACTS)) for _ in range(300)] + [
                "0" + user_number(rng.randrange(USERS))[3:] for _ in range(300)
            ]
            lookups = [contact_number(rng.randrange(CONTACTS)) for _ in range(700)] + [
                user_number(rng.randrange(USERS)) for _ in range(300)
            ]
            async with httpx.AsyncClient(
                base_url=process.url, headers={"Authorization": f"Bearer {token}"}
            ) as http:
                await timed(http, [("/v1/search", {"q": n}) for n in names[:50]])  # warm up
                by_name = await timed(http, [("/v1/search", {"q": n}) for n in names])
                by_number = await timed(http, [("/v1/search", {"q": n}) for n in numbers])
                reverse = await timed(http, [("/v1/reverse-lookup", {"number": n}) for n in lookups])
            rss_mib = resident_mib(process.process.pid)
            floor = await http_floor(tmp, token, lookups)
            bare_again = await bare_request_reply(server.url)
        finally:
            process.stop()
            server.stop()

    base = bare + bare_again
    base_p50, base_p99 = statistics.median(base), pct(base, 99)
    print("\nsmartnumbers bench — directory (figures of this run, on this machine)\n")
    print(
        f"{USERS:,} users and {CONTACTS:,} contacts in one organisation; seeded in {seeded:.0f} s, "
        f"service ready (read side rebuilt from the store) in {startup:.1f} s, "
        f"resident memory {rss_mib:.0f} MiB; its relay then published the seeded events in {published:.0f} s\n"
    )
    print(
        f"{'measure (through the REST API, one client)':<58}{'p50':>11}{'p99':>11}   ratio to bare NATS p50/p99"
    )
    print(
        f"{'bare NATS request/reply round trip (baseline)':<58}{ms(base_p50):>11}{ms(base_p99):>11}   1.0 / 1.0"
    )
    for label, samples in (
        ("search by name (a surname, or parts of two names)", by_name),
        ("search by number (E.164 or national format)", by_number),
        ("reverse lookup of a caller's number", reverse),
    ):
        p50, p99 = statistics.median(samples), pct(samples, 99)
        print(f"{label:<58}{ms(p50):>11}{ms(p99):>11}   {p50 / base_p50:.1f} / {p99 / base_p99:.1f}")
    for label, samples in (
        ("  the same surname search inside the process (no HTTP)", in_process["search"]),
        ("  the same reverse lookup inside the process (no HTTP)", in_process["reverse"]),
    ):
        p50, p99 = statistics.median(samples), pct(samples, 99)
        print(f"{label:<58}{ms(p50):>11}{ms(p99):>11}   {p50 / base_p50:.1f} / {p99 / base_p99:.1f}")
    f50, f99 = statistics.median(floor), pct(floor, 99)
    print(
        f"{'  the floor: the same lookups answered by a bare FastAPI':<58}{ms(f50):>11}{ms(f99):>11}"
        f"   {f50 / base_p50:.1f} / {f99 / base_p99:.1f}"
    )
    print("\ntargets (issue 3): reverse lookup p99 under 5 ms, search p99 under 20 ms")
    reverse_p99 = pct(reverse, 99) * 1000
    record(
        "reverse lookup p99 at 100k contacts, through the REST API (ms)",
        reverse_p99,
        5.0,
        unit="ms",
        note=f"{reverse_p99 / 1000 / base_p99:.1f}x the bare round trip p99",
        floor=f99 * 1000,
    )


if __name__ == "__main__":
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    asyncio.run(main())
