"""`make bench`, notify part: 1,000 new-message alerts by email and by SMS, beside a bare NATS round trip.

1. Bare NATS request/reply round trip (Python client at both ends) — the baseline.
2. 1,000 voicemails deposited (mailbox.message.deposited.v1 on the bus, as the mailbox
   publishes them) for a user who chose alerts by email and SMS: the time from the first
   publish until the 1,000th email is received by a real SMTP server (aiosmtpd) and the
   1,000th SMS by the SMSC (real Kannel with fakesmsc when installed, else the smsbox fake).
3. The same again with notify SIGKILLed in the middle and started again: duplicates
   received (must be 0), and deliveries left in doubt by the kill (reported, never resent).

Everything runs on loopback: a nats-server, notify processes, the SMTP server, Kannel.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_presence import bare_request_reply, ms, pct
from smartnumbers_contracts import directory, mailbox
from smartnumbers_kit.natsserver import NatsServer, find_binary
from smartnumbers_kit.tokens import generate_keypair, mint
from smartnumbers_notify.kannel import Kannel, find_bearerbox, find_fakesmsc

from services.notify.tests.e2e import FakeSmsbox, FakeSmscOutput, SmtpServer, notify_process

N = 1000
MOBILE = "+447700900900"


def envelope(org: str) -> dict[str, Any]:
    return {"event_id": uuid.uuid4(), "organisation_id": org, "occurred_at": datetime.now(UTC)}


async def publish(js: Any, *contracts: Any) -> None:
    acks = [
        await js.publish_async(c.subject, c.to_bytes(), headers={"Nats-Msg-Id": str(c.event_id)})
        for c in contracts
    ]
    await asyncio.gather(*acks)


def deposits(org: str, run: str) -> list[mailbox.MessageDeposited]:
    return [
        mailbox.MessageDeposited(
            **envelope(org),
            owner_kind="user",
            owner_id="alice",
            message_id=f"m-{i}",
            caller_number="+441632960555",
            caller_name=f"{run} caller {i:04d}",
            sender_user_id=None,
            urgent=False,
            duration_seconds=12,
            forwarded_by=[],
        )
        for i in range(N)
    ]


async def prepare_alice(js: Any, org: str, base_url: str, token: str) -> None:
    profile = directory.UserProfile(display_name="Alice", email="alice@example.com", sms_number=MOBILE)
    alerts = mailbox.MessageAlerts(call=False, sms=True, message_waiting=True, email=True, pager=False)
    await publish(
        js,
        directory.UserCreated(**envelope(org), user_id="alice", display_name="Alice", profile=profile),
        mailbox.MessageAlertsChanged(**envelope(org), owner_kind="user", owner_id="alice", alerts=alerts),
    )
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as c:
        while True:
            r = await c.get("/v1/users/alice/alerts")
            if r.status_code == 200 and r.json()["alerts"]["email"] and r.json()["alerts"]["sms"]:
                return
            await asyncio.sleep(0.05)


async def run(
    tmp: Path,
    nats_url: str,
    keys: tuple[Path, Path],
    sms_received: Any,
    sendsms: str,
    env: dict[str, str],
    kill: bool,
) -> dict[str, Any]:
    label = "kill" if kill else "plain"
    org = f"bench-{label}-{uuid.uuid4().hex[:6]}"
    (tmp / label).mkdir()
    with SmtpServer() as smtp:
        service = notify_process(tmp / label, nats_url, keys, smtp, sendsms, LOG_LEVEL="WARNING", **env)
        service.start()
        nc = await nats.connect(nats_url)
        js = nc.jetstream()
        try:
            await prepare_alice(
                js, org, service.url, mint(keys[0].read_bytes(), user="boss", org=org, role="admin")
            )
            texts_before = len(sms_received.items)
            started = time.perf_counter()
            await publish(js, *deposits(org, label))
            if kill:
                await smtp.messages.at_least(N // 2, seconds=120)
                service.kill()
                service.start()
            emails = await smtp.messages.wait_for(lambda m: len(m) >= N, seconds=300) if not kill else None
            texts = (
                await sms_received.wait_for(lambda m: len(m) - texts_before >= N, 300) if not kill else None
            )
            elapsed = time.perf_counter() - started
            if kill:  # every delivery finished (sent, or in doubt from the kill)
                in_doubt = await finished(
                    service.url, mint(keys[0].read_bytes(), user="boss", org=org, role="admin")
                )
                emails, texts = smtp.messages.items, sms_received.items
            else:
                in_doubt = 0
        finally:
            await nc.close()
            service.stop()
    subjects = Counter(m["Subject"] for m in emails)
    sms_bodies = Counter(t.get("text") or t.get("body") for t in texts[texts_before:])
    return {
        "seconds": elapsed,
        "emails": len(emails),
        "texts": len(texts) - texts_before,
        "duplicates": sum(n - 1 for n in subjects.values() if n > 1)
        + sum(n - 1 for n in sms_bodies.values() if n > 1),
        "in_doubt": in_doubt,
    }


async def finished(base_url: str, token: str) -> int:
    async with httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as c:
        while True:
            deliveries = (await c.get("/v1/deliveries", params={"limit": 2 * N})).json()["deliveries"]
            if len(deliveries) == 2 * N and all(d["status"] in ("sent", "failed") for d in deliveries):
                return sum(1 for d in deliveries if d["status"] == "failed")
            await asyncio.sleep(0.2)


async def main() -> None:
    binary = find_binary()
    if binary is None:
        sys.exit("no nats-server binary: run `make install`")
    with tempfile.TemporaryDirectory(prefix="sn-bench-notify-") as directory_name:
        tmp = Path(directory_name)
        server = NatsServer(binary, tmp / "nats")
        server.start()
        keys = generate_keypair(tmp / "keys")
        kannel = None
        env = {"SMS_PER_ORGANISATION_PER_MINUTE": "100000", "SMS_PER_USER_PER_MINUTE": "100000"}
        try:
            bare = await bare_request_reply(server.url)
            bearerbox = find_bearerbox()
            if bearerbox is not None and find_fakesmsc() is not None:
                output = FakeSmscOutput()
                kannel = Kannel(tmp / "kannel", bearerbox)
                kannel.start(output.write_end)
                os.close(output.write_end)
                output.follow()
                sms_received, sendsms, smsc = output.received, kannel.sendsms_url, "Kannel + fakesmsc"
                env |= {"KANNEL_USERNAME": kannel.username, "KANNEL_PASSWORD": kannel.password}
                figures = await run(tmp, server.url, keys, sms_received, sendsms, env, kill=False)
                killed = await run(tmp, server.url, keys, sms_received, sendsms, env, kill=True)
            else:
                with FakeSmsbox() as box:
                    smsc = "the smsbox fake (Kannel is not installed)"
                    figures = await run(tmp, server.url, keys, box.received, box.url, env, kill=False)
                    killed = await run(tmp, server.url, keys, box.received, box.url, env, kill=True)
            bare_again = await bare_request_reply(server.url)
        finally:
            if kannel is not None:
                kannel.stop()
            server.stop()

    base = statistics.median(bare + bare_again)
    print("\nsmartnumbers bench — notify (figures of this run, on this machine)\n")
    print(
        f"{'bare NATS request/reply round trip p50 / p99 (baseline)':<64}"
        f"{ms(base):>11}{ms(pct(bare + bare_again, 99)):>11}"
    )
    s = figures["seconds"]
    print(
        f"{f'{N} voicemails -> {N} emails (SMTP) + {N} SMS ({smsc})':<64}{s:>10.2f} s"
        f"   = {s / base:,.0f} bare round trips; {2 * N / s:,.0f} deliveries/s"
    )
    print(
        f"  received: {figures['emails']} emails, {figures['texts']} SMS; duplicates: {figures['duplicates']}"
    )
    print(
        f"{'the same, notify SIGKILLed after half the emails, restarted':<64}{killed['seconds']:>10.2f} s"
        f"   duplicates received: {killed['duplicates']}"
    )
    print(
        f"  received: {killed['emails']} emails, {killed['texts']} SMS; in doubt after the kill "
        f"(reported failed, not resent): {killed['in_doubt']}"
    )
    print(
        f"\nbaseline drift within the run: first {ms(statistics.median(bare))}, "
        f"last {ms(statistics.median(bare_again))}"
    )


if __name__ == "__main__":
    asyncio.run(main())
