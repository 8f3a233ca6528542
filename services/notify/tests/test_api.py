"""Notify's REST API against a real process: who may read and change what, and bad input."""

from __future__ import annotations

import httpx
import pytest

from services.notify.tests.e2e import FakeSmsbox, SmtpServer, notify_process


@pytest.fixture
def service(tmp_path, nats_server, dev_keys, smtp: SmtpServer, smsbox: FakeSmsbox):
    process = notify_process(tmp_path, nats_server.url, dev_keys, smtp, smsbox.url)
    process.start()
    yield process
    process.stop()


def client(url: str, token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(base_url=url, headers=headers, timeout=20)


async def test_access_and_bad_input(service, mint, org):
    async with (
        client(service.url) as anonymous,
        client(service.url, mint("alice", org)) as alice,
        client(service.url, mint("boss", org, "admin")) as boss,
        client(service.url, mint("boss", f"{org}-other", "admin")) as stranger,
    ):
        # 1. Every endpoint but the operational ones needs a token.
        assert (await anonymous.get("/healthz")).status_code == 200
        for path in ("/v1/deliveries", "/v1/users/me/pager", "/v1/users/me/alerts", "/v1/reports/schedule"):
            assert (await anonymous.get(path)).status_code == 401, path
        # 2. A user changes her own pager number, not someone else's; an admin anyone's.
        assert (
            await alice.put("/v1/users/me/pager", json={"pager_number": "07700 900222"})
        ).status_code == 200
        r = await alice.put("/v1/users/bob/pager", json={"pager_number": "07700 900333"})
        assert r.status_code == 403 and "only your own" in r.text
        assert (
            await boss.put("/v1/users/bob/pager", json={"pager_number": "07700 900333"})
        ).status_code == 200
        assert (await boss.get("/v1/users/alice/pager")).json() == {"pager_number": "+447700900222"}
        # 3. Another organisation's administrator does not see Alice at all.
        assert (await stranger.get("/v1/users/alice/pager")).json() == {"pager_number": None}
        assert (await stranger.get("/v1/users/alice/alerts")).status_code == 404
        # 4. Bad input: a clear 4xx, nothing changed, no stack trace.
        r = await alice.put("/v1/users/me/pager", json={"pager_number": "12"})
        assert r.status_code == 422 and "pager number" in r.text and "Traceback" not in r.text
        assert (await alice.get("/v1/users/me/pager")).json() == {"pager_number": "+447700900222"}
        r = await alice.put("/v1/users/me/pager", json={"pager": "07700 900222"})
        assert r.status_code == 422 and "pager_number" in r.text
        r = await boss.put(
            "/v1/reports/schedule",
            json={"reports": ["outcomes"], "frequency": "hourly", "recipients": ["boss@example.com"]},
        )
        assert r.status_code == 422 and "daily, weekly or monthly" in r.text
        r = await boss.put(
            "/v1/reports/schedule",
            json={
                "reports": ["outcomes"],
                "frequency": "daily",
                "time_zone": "Mars/Olympus",
                "recipients": ["x@y"],
            },
        )
        assert r.status_code == 422 and "not a time zone" in r.text
        assert (await boss.get("/v1/reports/schedule")).status_code == 404
        assert (await alice.get("/v1/reports/schedule")).status_code == 403
        assert (await alice.get("/v1/deliveries", params={"limit": 0})).status_code == 422
        # 5. Inputs are bounded (issue 11 §1): the field and its limit are named.
        r = await alice.put("/v1/users/me/pager", json={"pager_number": "7" * 1000})
        assert r.status_code == 422 and "pager_number" in r.text, r.text
        r = await boss.put(
            "/v1/reports/schedule",
            json={"reports": ["outcomes"], "frequency": "daily", "recipients": ["a@example.com"] * 51},
        )
        assert r.status_code == 422 and "recipients" in r.text, r.text


async def test_an_administrator_stops_the_reports_and_sets_them_again(service, mint, org):
    """§8.1: the schedule is read, changed, deleted (no more reports) and set again; users may not."""
    choice = {"reports": ["outcomes"], "frequency": "weekly", "recipients": ["boss@example.com"]}
    async with (
        client(service.url, mint("alice", org)) as alice,
        client(service.url, mint("boss", org, "admin")) as boss,
        client(service.url, mint("boss", f"{org}-other", "admin")) as stranger,
    ):
        # 1. Nothing to delete yet.
        r = await boss.delete("/v1/reports/schedule")
        assert r.status_code == 404 and "no reports are scheduled" in r.text
        # 2. Set, then changed.
        assert (await boss.put("/v1/reports/schedule", json=choice)).status_code == 200
        r = await boss.put("/v1/reports/schedule", json=choice | {"frequency": "monthly"})
        assert r.status_code == 200 and r.json()["frequency"] == "monthly"
        # 3. A user may not delete it; another organisation's administrator has none to delete.
        assert (await alice.delete("/v1/reports/schedule")).status_code == 403
        assert (await stranger.delete("/v1/reports/schedule")).status_code == 404
        assert (await boss.get("/v1/reports/schedule")).json()["frequency"] == "monthly"
        # 4. Deleted: no schedule to read, and deleting again is a 404.
        assert (await boss.delete("/v1/reports/schedule")).status_code == 204
        assert (await boss.get("/v1/reports/schedule")).status_code == 404
        assert (await boss.delete("/v1/reports/schedule")).status_code == 404
        # 5. Set again: it is read back as set.
        assert (await boss.put("/v1/reports/schedule", json=choice)).status_code == 200
        assert (await boss.get("/v1/reports/schedule")).json()["frequency"] == "weekly"
