"""Statistics (§8.2): your calls with caller, intended and actual recipient and outcome, and the
calls per day or week as a chart; administrators may see anyone's, or the organisation's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from smartnumbers_web.api import ApiError
from smartnumbers_web.deps import ApiClient, SignedIn, render

router = APIRouter(include_in_schema=False)
OUTCOMES = {"answered": "Answered", "missed": "Missed", "voicemail": "Voicemail", "lost": "Lost"}
# Outcomes that partition the ended inbound calls ("missed" overlaps them: shown in the table only).
SERIES = (("answered", "#1f6f3a"), ("voicemail", "#0b3d5c"), ("lost", "#a00000"))


@dataclass
class Bar:
    label: str
    x: float
    y: float
    height: float
    colour: str
    title: str


def chart(summary: list[dict[str, Any]], width: float = 640, height: float = 200) -> list[Bar]:
    """Stacked bars, one per period: answered, voicemail, lost (drawn as SVG in the page)."""
    if not summary:
        return []
    top = max(sum(int(s[k]) for k, _ in SERIES) for s in summary) or 1
    step = width / len(summary)
    bars: list[Bar] = []
    for i, s in enumerate(summary):
        base = height
        for key, colour in SERIES:
            h = height * int(s[key]) / top
            if h:
                base -= h
                bars.append(
                    Bar(
                        str(s["period_start"]),
                        i * step + 4,
                        base,
                        h,
                        colour,
                        f"{s['period_start']}: {s[key]} {key}",
                    )
                )
    return bars


@router.get("/statistics")
async def statistics(
    request: Request,
    session: SignedIn,
    api: ApiClient,
    period: Annotated[str, Query(pattern="^(day|week)$")] = "day",
    who: Annotated[str, Query(max_length=64)] = "me",
) -> Response:
    if not session.is_admin:
        who = "me"
    params = {"user_id": who}
    error = None
    try:
        calls = await api.get("routing", "/v1/calls", params=params | {"limit": 200})
        summary = await api.get("routing", "/v1/calls/summary", params=params | {"period": period})
    except ApiError as e:
        calls, summary, error = [], [], e.detail
    return render(
        request,
        "statistics.html",
        active="statistics",
        calls=calls,
        summary=summary,
        bars=chart(summary),
        period=period,
        who=who,
        outcomes=OUTCOMES,
        series=SERIES,
        step=640 / max(len(summary), 1),
        error=error,
    )
