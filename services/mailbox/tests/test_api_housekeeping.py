"""Retention and overnight greeting deletion through the API: the service runs in this
process (``bootstrap`` with an injected clock), with real NATS and blobs on disk; the test
moves the clock across midnight in two time zones and across 30 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from asgi_lifespan import LifespanManager
from smartnumbers_mailbox.bootstrap import bootstrap
from smartnumbers_mailbox.settings import MailboxSettings

from services.mailbox.tests.e2e import Directory, blob_files, eventually
from services.mailbox.tests.samples import tone_wav

RECORDED = datetime(2026, 7, 1, 20, 0, tzinfo=UTC)  # 21:00 in London, 16:00 in New York


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def running(tmp_path, nats_server, dev_keys, monkeypatch):
    for name, value in {
        "NATS_URL": nats_server.url,
        "PERSISTENCE": "sqlite",
        "VAR_DIR": str(tmp_path / "var"),
        "JWT_PUBLIC_KEY_FILE": str(dev_keys[1]),
        "MAILBOX_SWEEP_SECONDS": "0.05",
    }.items():
        monkeypatch.setenv(name, value)
    clock = Clock(RECORDED)
    http = bootstrap(MailboxSettings(), clock)
    async with LifespanManager(http):
        yield http, clock, httpx.ASGITransport(app=http)


async def test_story_the_night_and_thirty_days_clear_the_mailbox(running, nats_server, mint, org, tmp_path):
    _, clock, transport = running
    directory = Directory(nats_server.url, "http://mailbox", mint("gw", org, "service"), org, transport)
    await directory.users("lon", time_zone="Europe/London")
    await directory.users("nyc", time_zone="America/New_York")

    def as_user(user: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=transport,
            base_url="http://mailbox",
            headers={"Authorization": f"Bearer {mint(user, org)}"},
        )

    async with (
        as_user("lon") as lon,
        as_user("nyc") as nyc,
        httpx.AsyncClient(
            transport=transport,
            base_url="http://mailbox",
            headers={"Authorization": f"Bearer {mint('gw', org, 'service')}"},
        ) as gateway,
    ):
        # 1. At 20:00 UTC both record today's greeting; a caller leaves London two messages.
        for c, hz in ((lon, 300), (nyc, 900)):
            r = await c.put("/v1/mailboxes/users/me/greetings/today", content=tone_wav(0.3, hz=hz))
            assert r.status_code == 200
        kept, dropped = [
            (await gateway.post("/v1/mailboxes/users/lon/messages", content=tone_wav(d))).json()["id"]
            for d in (0.4, 0.5)
        ]
        await lon.put(f"/v1/mailboxes/users/me/messages/{kept}/folder", json={"folder": "saved"})
        files = len(blob_files(tmp_path))

        async def heard(c: httpx.AsyncClient) -> str:
            return (await c.get("/v1/mailboxes/users/me")).json()["heard"]

        # 2. London's midnight (23:00 UTC in summer): London's greeting goes, New York's stays.
        clock.now = datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
        await eventually(lambda: heard(lon), lambda h: h == "default_with_number")
        assert await heard(nyc) == "today"
        # 3. New York's midnight (04:00 UTC): its greeting goes too, with its file.
        clock.now = datetime(2026, 7, 2, 4, 0, tzinfo=UTC)
        await eventually(lambda: heard(nyc), lambda h: h == "default_with_number")
        assert len(blob_files(tmp_path)) == files - 2
        # 4. Thirty days after the messages arrived: the one not saved goes; the saved one stays.
        clock.now = RECORDED + timedelta(days=30)

        async def listed() -> list[str]:
            return [m["id"] for m in (await lon.get("/v1/mailboxes/users/me/messages")).json()]

        await eventually(listed, lambda ids: ids == [kept])
        assert dropped not in await listed() and len(blob_files(tmp_path)) == files - 3
