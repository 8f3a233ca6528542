"""Sends each organisation's management information reports when their period is over (§8.1).

``tick`` looks at every schedule with the injected clock: a test moves the clock and calls
it; in service it runs every ``REPORT_TICK_SECONDS``. A period's report, its deliveries
and the schedule's ``Reported`` are saved together, so a period is reported once.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import httpx

from smartnumbers_notify import management_report
from smartnumbers_notify.application import NotifyApplication
from smartnumbers_notify.service_tokens import ServiceTokens
from smartnumbers_notify.templates import Templates

log = logging.getLogger(__name__)

PAGE = 1000


class CallRecords:
    """Routing's call records of an organisation (``GET /v1/calls?user_id=*``), with a service token."""

    def __init__(self, base_url: str, tokens: ServiceTokens) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens

    async def between(self, organisation_id: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        headers = {"Authorization": f"Bearer {self.tokens.for_organisation(organisation_id)}"}
        found: dict[str, dict[str, Any]] = {}
        until = end
        async with httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=30) as client:
            while True:  # newest first: page backwards until a page is short
                params: dict[str, str | int] = {
                    "user_id": "*",
                    "since": start.isoformat(),
                    "until": until.isoformat(),
                    "limit": PAGE,
                }
                response = await client.get("/v1/calls", params=params)
                response.raise_for_status()
                page = response.json()
                found |= {c["call_id"]: c for c in page}
                if len(page) < PAGE:
                    return list(found.values())
                until = datetime.fromisoformat(page[-1]["started_at"])


class ReportScheduler:
    def __init__(
        self,
        app: NotifyApplication,
        templates: Templates,
        calls: CallRecords,
        clock: Callable[[], datetime],
    ) -> None:
        self.app = app
        self.templates = templates
        self.calls = calls
        self.clock = clock
        self.known: set[UUID] = set()
        """Schedules (the dispatcher adds each one it reads in notify's log)."""

    async def run(self, every_seconds: float) -> None:
        while True:
            try:
                await self.tick()
            except Exception:
                log.exception("reports: a tick failed; the next one tries again")
            await asyncio.sleep(every_seconds)

    async def tick(self) -> int:
        """Sends every report that is due; returns how many periods were reported."""
        sent = 0
        for schedule_id in sorted(self.known):
            schedule = await asyncio.to_thread(self.app.repository.get, schedule_id)
            period = schedule.due(self.clock())
            if period is None:
                continue
            start, end = period
            calls = await self.calls.between(schedule.organisation_id, start, end)
            report = await asyncio.to_thread(
                management_report.build,
                self.templates,
                calls,
                organisation=schedule.organisation_id,
                reports=schedule.reports,
                frequency=schedule.frequency,
                time_zone=schedule.time_zone,
                start=start,
                end=end,
            )
            content = {
                "html": report.html,
                "related": [{"cid": "chart", "content_type": "image/png", "data": _b64(report.chart_png)}],
                "files": [
                    {
                        "filename": f"calls-{start:%Y-%m-%d}.csv",
                        "content_type": "text/csv",
                        "data": _b64(report.csv),
                    }
                ],
            }
            await asyncio.to_thread(
                self.app.record_report, schedule_id, start, end, report.subject, report.text, content
            )
            sent += 1
        return sent


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
