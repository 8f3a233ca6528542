"""A witness: an idempotent consumer of presence's events, built on the kit like any service's.

It records every event id it applies, in its own event store, so a test can tell
whether any event was lost or applied twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import nats
from eventsourcing.domain import Aggregate, event
from smartnumbers_contracts import presence as wire
from smartnumbers_kit import bus
from smartnumbers_kit.consumer import Consumer
from smartnumbers_kit.store import ServiceApplication

PRESENCE_CONTRACTS = [
    wire.LocationChanged,
    wire.AvailabilityChanged,
    wire.TeamAvailabilityChanged,
    wire.NumbersChanged,
    wire.CallManagerConnected,
    wire.CallManagerDisconnected,
]


class Ledger(Aggregate):
    @event("Opened")
    def __init__(self) -> None:
        self.applied: list[str] = []

    @event("Applied")
    def apply_event(self, event_id: str) -> None:
        self.applied.append(event_id)


class WitnessApp(ServiceApplication):
    name = "witness"


class Witness:
    def __init__(self, tmp: Path, nats_url: str) -> None:
        self.app = WitnessApp(
            {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp / "witness.sqlite")}
        )
        ledger = Ledger()
        self.app.save(ledger)
        self.ledger_id = ledger.id
        self.nats_url = nats_url

    def applied(self) -> list[str]:
        return self.app.repository.get(self.ledger_id).applied

    def _handle(self, contract: Any) -> list[Any]:
        ledger = self.app.repository.get(self.ledger_id)
        ledger.apply_event(str(contract.event_id))
        return [ledger]

    async def __aenter__(self) -> Witness:
        self.nc = await bus.connect(self.nats_url, "witness")
        js = self.nc.jetstream()
        await bus.ensure_stream(js, "presence")
        await bus.ensure_parked_stream(js)
        self.consumer = Consumer(
            self.app,
            js,
            stream="PRESENCE",
            durable="witness",
            handlers={c: self._handle for c in PRESENCE_CONTRACTS},
        )
        self.task = asyncio.create_task(self.consumer.run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.consumer.stop()
        self.task.cancel()
        await self.nc.close()
        self.app.close()

    def duplicates(self) -> dict[str, int]:
        return {k: n for k, n in Counter(self.applied()).items() if n > 1}


async def stream_event_ids(nats_url: str) -> list[str]:
    """Every event id in the PRESENCE stream, in order (duplicates included)."""
    import json

    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        info = await js.stream_info("PRESENCE")
        ids: list[str] = []
        if info.state.messages == 0:
            return ids
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            message = await js.get_msg("PRESENCE", seq)
            ids.append(json.loads(message.data)["event_id"])
        return ids
    finally:
        await nc.close()


def committed_event_ids(var_dir: Path) -> list[str]:
    """The event ids of every contract presence's committed log should become."""
    from smartnumbers_kit.publishing import stamped
    from smartnumbers_presence.application import PresenceApplication
    from smartnumbers_presence.publishing import PresenceContracts

    app = PresenceApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(var_dir / "presence.sqlite")}
    )
    try:
        to_contracts, epoch = PresenceContracts(app), app.log_identity()
        ids: list[str] = []
        start = None
        while batch := app.recorder.select_notifications(start, 500, inclusive_of_start=False):
            for n in batch:
                contracts = stamped(to_contracts(app.mapper.to_domain_event(n)), n, epoch)
                ids.extend(str(c.event_id) for c in contracts)
            start = batch[-1].id
        return ids
    finally:
        app.close()
