"""Story: an administrator schedules the daily calls report (§8.1); when the day is over (the
test moves notify's clock, it does not wait) the report is emailed: HTML with a chart image,
the figures, and every call in a CSV, built from routing's call records.

Real nats-server and routing process (the gateway's call events published as it would);
notify runs in this process so its clock can be moved; a real SMTP server.
"""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import nats
import pytest
from asgi_lifespan import LifespanManager
from smartnumbers_contracts import calls
from smartnumbers_notify.bootstrap import bootstrap

from services.notify.tests.e2e import SmtpServer
from services.presence.tests.e2e import envelope, eventually
from services.routing.tests.e2e import create_people, routing_process

DAY = datetime(2026, 11, 28, tzinfo=UTC)  # London is on UTC in November


@pytest.fixture
def nats_server(fresh_nats_server):
    """A nats-server of this story's own: durable consumers on the session's server would first
    have to work through every earlier test's events."""
    return fresh_nats_server


@pytest.fixture
def routing(tmp_path, nats_server, dev_keys):
    process = routing_process(tmp_path, nats_server.url, dev_keys[1])
    process.start()
    yield process
    process.stop()


async def the_day_of_calls(nats_url: str, org: str) -> None:
    """As the gateway reports them: 09:00 answered by Adam after 6 s; 09:30 to Adam, lost; 14:10 to
    Bob, voicemail; 14:40 to the sales team, answered by Bob after 2 s."""

    def at(hour: int, minute: int, seconds: float = 0) -> dict[str, Any]:
        return {**envelope(org), "occurred_at": DAY + timedelta(hours=hour, minutes=minute, seconds=seconds)}

    def started(call_id: str, h: int, m: int, **to: str) -> calls.CallStarted:
        return calls.CallStarted(
            **at(h, m),
            call_id=call_id,
            direction="inbound",
            caller_number="+447700900555",
            dialled="+441632960001",
            **to,
        )

    end = {"hung_up_by": "caller", "cause": "Normal Clearing"}
    events = [
        started("c1", 9, 0, intended_user_id="adam"),
        calls.CallAnswered(**at(9, 0, 6), call_id="c1", answered_by_user_id="adam"),
        calls.CallEnded(**at(9, 2), call_id="c1", **end),
        started("c2", 9, 30, intended_user_id="adam"),
        calls.CallEnded(**at(9, 30, 12), call_id="c2", **end),
        started("c3", 14, 10, intended_user_id="bob"),
        calls.VoicemailLeft(**at(14, 10, 20), call_id="c3", mailbox="bob"),
        calls.CallEnded(**at(14, 11), call_id="c3", **end),
        started("c4", 14, 40, intended_team_id="sales"),
        calls.CallAnswered(**at(14, 40, 2), call_id="c4", answered_by_user_id="bob"),
        calls.CallEnded(**at(14, 45), call_id="c4", **end),
    ]
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    for e in events:
        await js.publish(e.subject, e.to_bytes(), headers={"Nats-Msg-Id": str(e.event_id)})
    await nc.close()


async def test_story_the_daily_report_is_emailed_once_when_the_day_is_over(
    tmp_path, nats_server, dev_keys, mint, org, routing, smtp: SmtpServer, monkeypatch
):
    await create_people(nats_server.url, org, {"adam": "+441632960001", "bob": "+441632960002"})
    await the_day_of_calls(nats_server.url, org)
    async with httpx.AsyncClient(
        base_url=routing.url, headers={"Authorization": f"Bearer {mint('boss', org, 'admin')}"}
    ) as r:
        await eventually(
            lambda: r.get("/v1/calls", params={"user_id": "*"}), lambda resp: len(resp.json()) == 4
        )

    # Notify in this process, on a clock the story moves.
    now = [DAY + timedelta(hours=12)]
    for name, value in {
        "NATS_URL": nats_server.url,
        "PERSISTENCE": "sqlite",
        "VAR_DIR": str(tmp_path / "notify"),
        "JWT_PUBLIC_KEY_FILE": str(dev_keys[1]),
        "NOTIFY_SIGNING_KEY_FILE": str(dev_keys[0]),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "SMS_GATEWAY": "files",
        "ROUTING_URL": routing.url,
        "REPORT_TICK_SECONDS": "3600",
        "SHUTDOWN_DRAIN_SECONDS": "2",
    }.items():
        monkeypatch.setenv(name, value)
    http = bootstrap(clock=lambda: now[0])
    async with (
        LifespanManager(http, startup_timeout=60, shutdown_timeout=60),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=http),
            base_url="http://notify",
            headers={"Authorization": f"Bearer {mint('boss', org, 'admin')}"},
        ) as boss,
    ):
        reports = http.state.reports
        # 1. Bad choices are refused, saying what was wrong; a user may not schedule at all.
        r = await boss.put(
            "/v1/reports/schedule",
            json={"reports": ["gossip"], "frequency": "daily", "recipients": ["boss@example.com"]},
        )
        assert r.status_code == 422 and "gossip" in r.text
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=http),
            base_url="http://notify",
            headers={"Authorization": f"Bearer {mint('adam', org)}"},
        ) as adam:
            assert (
                await adam.put(
                    "/v1/reports/schedule",
                    json={"reports": ["outcomes"], "frequency": "daily", "recipients": ["a@example.com"]},
                )
            ).status_code == 403

        # 2. At noon the administrator asks for every report, daily, London time.
        choice = {
            "reports": ["calls_per_user", "calls_per_team", "outcomes", "busiest_hours", "time_to_answer"],
            "frequency": "daily",
            "time_zone": "Europe/London",
            "recipients": ["boss@example.com"],
        }
        r = await boss.put("/v1/reports/schedule", json=choice)
        assert r.status_code == 200, r.text
        for _ in range(200):  # notify reads its own log right after the commit
            if reports.known:
                break
            await asyncio.sleep(0.01)

        # 3. Nothing is due before midnight; a minute after, the 28th is reported, once.
        now[0] = DAY + timedelta(hours=23, minutes=59)
        assert await reports.tick() == 0
        now[0] = DAY + timedelta(days=1, minutes=1)
        assert await reports.tick() == 1
        assert await reports.tick() == 0
        [email] = await smtp.messages.at_least(1)

    assert email["To"] == "boss@example.com"
    assert email["Subject"] == f"Daily calls report for {org}: 28 November 2026"
    text = email.get_body(("plain",)).get_content()
    assert "Calls: 4." in text and "Answered 2, voicemail 1, missed 0, lost 1." in text
    assert "Average time to answer: 4.0 seconds." in text
    assert "Busiest hours: 09:00, 14:00." in text
    assert "  adam: 2, 1, 0, 0, 1" in text and "  sales: 1, 1, 0, 0, 0" in text
    html = email.get_body(("html",))
    assert '<img src="cid:chart"' in html.get_content() and "<td>adam</td><td>2</td>" in html.get_content()
    [chart] = [p for p in email.walk() if p.get_content_type() == "image/png"]
    assert chart["Content-ID"] == "<chart>" and chart.get_payload(decode=True).startswith(b"\x89PNG")
    [attachment] = list(email.iter_attachments())
    assert attachment.get_filename() == "calls-2026-11-28.csv"
    rows = list(csv.DictReader(io.StringIO(attachment.get_content())))
    assert [(r["call_id"], r["outcome"]) for r in rows] == [
        ("c1", "answered"),
        ("c2", "lost"),
        ("c3", "voicemail"),
        ("c4", "answered"),
    ]
    assert rows[0]["started_at"] == "2026-11-28T09:00:00+00:00"
