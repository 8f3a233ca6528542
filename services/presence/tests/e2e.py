"""Helpers for stories against a real presence process and a real nats-server."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
from smartnumbers_contracts import directory as wire
from smartnumbers_kit.devdirectory import publish
from smartnumbers_kit.serviceprocess import ServiceProcess, service_process


def presence_process(tmp: Path, nats_url: str, public_key: Path, **env: str) -> ServiceProcess:
    return service_process("presence", tmp / "var", nats_url, public_key, tmp / "presence.log", **env)


def envelope(org: str) -> dict[str, Any]:
    return {"event_id": uuid.uuid4(), "organisation_id": org, "occurred_at": datetime.now(UTC)}


async def create_users(
    nats_url: str, base_url: str, token: str, org: str, *users: str, timeout: float = 10.0
) -> None:
    """Stand in for the directory: publish the organisation and its users, wait until presence knows them."""
    await publish(
        nats_url,
        wire.OrganisationConfigured(**envelope(org), name=org, default_country="GB"),
        *(wire.UserCreated(**envelope(org), user_id=u, display_name=u.title()) for u in users),
    )
    async with httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        for user in users:
            await eventually(
                lambda u=user: client.get(f"/v1/users/{u}/presence"), lambda r: r.status_code == 200, timeout
            )


async def eventually(action, condition, timeout: float = 10.0):
    """Repeat ``action`` until ``condition`` holds (for effects that travel through the bus)."""
    deadline = time.monotonic() + timeout
    while True:
        result = await action()
        if condition(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in {timeout}s; last: {result!r}")
        await asyncio.sleep(0.02)


class BusWatcher:
    """Collects every message published on ``subject`` from the moment it is started."""

    def __init__(self, url: str, subject: str = "presence.>") -> None:
        self.url, self.subject = url, subject
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self._arrived = asyncio.Condition()

    async def __aenter__(self) -> BusWatcher:
        self.nc = await nats.connect(self.url)

        async def received(msg: Any) -> None:
            async with self._arrived:
                self.messages.append((msg.subject, json.loads(msg.data)))
                self._arrived.notify_all()

        await self.nc.subscribe(self.subject, cb=received)
        await self.nc.flush()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.nc.close()

    async def next_matching(self, subject: str, timeout: float = 10.0, **fields: Any) -> dict[str, Any]:
        def found() -> dict[str, Any] | None:
            for s, payload in self.messages:
                if s == subject and all(payload.get(k) == v for k, v in fields.items()):
                    return payload
            return None

        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: found() is not None), timeout)
        result = found()
        assert result is not None
        return result
