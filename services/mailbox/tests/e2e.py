"""Helpers for stories against a real mailbox process, a real nats-server and blobs on disk."""

from __future__ import annotations

from pathlib import Path

import httpx
import nats
from smartnumbers_contracts import Contract
from smartnumbers_contracts import directory as wire
from smartnumbers_kit.devdirectory import publish
from smartnumbers_kit.serviceprocess import ServiceProcess, service_process

from services.presence.tests.e2e import BusWatcher, envelope, eventually

__all__ = [
    "BusWatcher",
    "Directory",
    "blob_files",
    "client",
    "envelope",
    "eventually",
    "mailbox_process",
    "publish_on_bus",
]


def mailbox_process(tmp: Path, nats_url: str, public_key: Path, **env: str) -> ServiceProcess:
    return service_process("mailbox", tmp / "var", nats_url, public_key, tmp / "mailbox.log", **env)


def client(service: ServiceProcess, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=service.url, headers={"Authorization": f"Bearer {token}"}, timeout=20)


def blob_files(tmp: Path) -> set[str]:
    """The blobs on disk (no temporary files are ever left: those would show here too)."""
    root = tmp / "var" / "blobs"
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


async def publish_on_bus(url: str, *contracts: Contract) -> None:
    """Publish as another service would (its stream exists: the mailbox subscribes to it)."""
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        for contract in contracts:
            await js.publish(
                contract.subject, contract.to_bytes(), headers={"Nats-Msg-Id": str(contract.event_id)}
            )
    finally:
        await nc.drain()


class Directory:
    """Stands in for the directory: publishes users and teams, waits until the mailbox knows them."""

    def __init__(
        self,
        nats_url: str,
        base_url: str,
        service_token: str,
        org: str,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.nats_url, self.base_url, self.token, self.org = nats_url, base_url, service_token, org
        self.transport = transport

    async def users(self, *users: str, email: str | None = None, time_zone: str = "Europe/London") -> None:
        await publish(
            self.nats_url,
            *(
                wire.UserCreated(
                    **envelope(self.org),
                    user_id=u,
                    display_name=u.title(),
                    profile=wire.UserProfile(
                        display_name=u.title(),
                        email=email and f"{u}@{email}",
                        time_zone=time_zone,
                        mailbox_number="+441632960100",
                        smartnumber=f"+44163296{sum(map(ord, u)) % 10000:04d}",
                    ),
                )
                for u in users
            ),
        )
        await self._known("users", users)

    async def team(self, team_id: str, members: list[str]) -> None:
        await publish(
            self.nats_url,
            wire.TeamCreated(
                **envelope(self.org),
                team_id=team_id,
                team=wire.TeamDefinition(kind=wire.TeamKind.TEAM, name=team_id.title(), members=members),
            ),
        )
        await self._known("teams", [team_id])

    async def _known(self, kind: str, owners: list[str] | tuple[str, ...]) -> None:
        async with httpx.AsyncClient(
            base_url=self.base_url,
            headers={"Authorization": f"Bearer {self.token}"},
            transport=self.transport,
        ) as c:
            for owner in owners:
                await eventually(
                    lambda o=owner: c.get(f"/v1/mailboxes/{kind}/{o}"), lambda r: r.status_code == 200
                )
