"""A management information report (§8.1) from routing's call records: figures, a chart, a CSV.

Pure apart from drawing: calls in, the email's parts out. Times are in the schedule's
time zone.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from smartnumbers_notify.templates import Templates

OUTCOMES = ("answered", "voicemail", "missed", "lost")
CSV_COLUMNS = (
    "call_id",
    "started_at",
    "direction",
    "caller_number",
    "intended_user_id",
    "intended_team_id",
    "actual_recipient",
    "outcome",
    "ring_seconds",
    "talk_seconds",
)


@dataclass(frozen=True)
class Report:
    subject: str
    text: str
    html: str
    csv: bytes
    chart_png: bytes


def _tally(calls: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    rows: dict[str, Counter[str]] = defaultdict(Counter)
    for call in calls:
        if call.get(key):
            rows[call[key]]["calls"] += 1
            rows[call[key]][call.get("outcome") or "unfinished"] += 1
    return [{"name": name, **{k: c[k] for k in ("calls", *OUTCOMES)}} for name, c in sorted(rows.items())]


def figures(calls: list[dict[str, Any]], zone: ZoneInfo) -> dict[str, Any]:
    outcomes = Counter(c.get("outcome") or "unfinished" for c in calls)
    hours = Counter(datetime.fromisoformat(c["started_at"]).astimezone(zone).hour for c in calls)
    answered = [c["ring_seconds"] for c in calls if c.get("outcome") == "answered"]
    return {
        "total": len(calls),
        "outcomes": {o: outcomes[o] for o in OUTCOMES},
        "per_user": _tally(calls, "intended_user_id"),
        "per_team": _tally(calls, "intended_team_id"),
        "hours": [hours[h] for h in range(24)],
        "busiest_hours": sorted(h for h, n in hours.items() if n == max(hours.values())),
        "average_answer_seconds": sum(answered) / len(answered) if answered else None,
    }


def chart(hours: list[int], title: str) -> bytes:
    """Calls per hour of the day, as a PNG (matplotlib, no display)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8, 3), dpi=80)
    axes.bar(range(24), hours, color="#2b6cb0")
    axes.set_xticks(range(0, 24, 2))
    axes.set_xlabel("hour of the day")
    axes.set_ylabel("calls")
    axes.set_title(title)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    pyplot.close(figure)
    return out.getvalue()


def build(
    templates: Templates,
    calls: list[dict[str, Any]],
    *,
    organisation: str,
    reports: list[str],
    frequency: str,
    time_zone: str,
    start: datetime,
    end: datetime,
) -> Report:
    zone = ZoneInfo(time_zone)
    last_day = (end - timedelta(days=1)).astimezone(zone)
    period = (
        f"{start.astimezone(zone):%d %B %Y}"
        if frequency == "daily"
        else f"{start.astimezone(zone):%d %B %Y} to {last_day:%d %B %Y}"
    )
    context = {
        "organisation": organisation,
        "reports": reports,
        "frequency": frequency,
        "period": period,
        "time_zone": time_zone,
        **figures(calls, zone),
    }
    rows = io.StringIO()
    writer = csv.DictWriter(rows, CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for call in sorted(calls, key=lambda c: c["started_at"]):
        local = datetime.fromisoformat(call["started_at"]).astimezone(zone)
        writer.writerow({**call, "started_at": local.isoformat(timespec="seconds")})
    return Report(
        subject=templates.render("report.subject.j2", **context),
        text=templates.render("report.txt.j2", **context),
        html=templates.render("report.html.j2", **context),
        csv=rows.getvalue().encode(),
        chart_png=chart(context["hours"], f"Calls per hour, {period}"),
    )
