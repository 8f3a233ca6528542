"""Management information reports (§8.1), for administrators: which reports the organisation
receives by email, how often and to whom; over notify's ``/v1/reports/schedule``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from smartnumbers_web.api import ApiError, error_of
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from smartnumbers_web.session import Session

router = APIRouter(include_in_schema=False)
PATH = "/v1/reports/schedule"
REPORTS = {
    "calls_per_user": "Calls per user",
    "calls_per_team": "Calls per team",
    "outcomes": "Call outcomes (answered, voicemail, missed, lost)",
    "busiest_hours": "Busiest hours",
    "time_to_answer": "Time to answer",
}
FREQUENCIES = {"daily": "Daily", "weekly": "Weekly (Monday to Sunday)", "monthly": "Monthly"}
MAX_RECIPIENTS = 50  # notify's bound


def addresses(text: str) -> list[str]:
    """One email address a line (commas and semicolons also separate them)."""
    return [a.strip() for a in text.replace(";", "\n").replace(",", "\n").splitlines() if a.strip()]


async def _schedule(api: ApiClient) -> dict[str, Any] | None:
    r = await api.call("GET", "notify", PATH)
    if r.status_code == 404:
        return None
    if r.status_code >= 400:
        raise error_of(r)
    found: dict[str, Any] = r.json()
    return found


async def _page(
    request: Request, api: ApiClient, session: Session, form: dict[str, Any] | None = None, **context: Any
) -> Response:
    if not session.is_admin:
        return render(
            request,
            "error.html",
            message="Management information reports are for administrators only.",
            status_code=403,
        )
    schedule = await _schedule(api)
    return render(
        request,
        "report_schedule.html",
        active="statistics",
        schedule=schedule,
        form=form or schedule or {"reports": [], "frequency": "weekly", "time_zone": "Europe/London"},
        reports=REPORTS,
        frequencies=FREQUENCIES,
        max_recipients=MAX_RECIPIENTS,
        **context,
    )


@router.get("/statistics/reports")
async def report_schedule(request: Request, session: SignedIn, api: ApiClient) -> Response:
    return await _page(request, api, session)


@router.post("/statistics/reports")
async def set_schedule(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    frequency: Annotated[str, Form(max_length=20)] = "",
    time_zone: Annotated[str, Form(max_length=64)] = "Europe/London",
    recipients: Annotated[str, Form(max_length=MAX_RECIPIENTS * 256)] = "",
    reports: Annotated[list[str] | None, Form()] = None,
) -> Response:
    form = {
        "reports": reports or [],
        "frequency": frequency,
        "time_zone": time_zone.strip(),
        "recipients": addresses(recipients),
    }
    if not session.is_admin:
        return await _page(request, api, session)
    try:
        await api.put("notify", PATH, json=form)
    except ApiError as error:
        return await _page(request, api, session, form, error=error.detail, status_code=error.status)
    return await _page(request, api, session, saved="The report schedule is saved.")


@router.post("/statistics/reports/delete")
async def delete_schedule(request: Request, session: SignedIn, _: Csrf, api: ApiClient) -> Response:
    if not session.is_admin:
        return await _page(request, api, session)
    try:
        await api.delete("notify", PATH)
    except ApiError as error:
        return await _page(request, api, session, error=error.detail, status_code=error.status)
    return await _page(
        request, api, session, saved="The report schedule is deleted: no more reports are sent."
    )
