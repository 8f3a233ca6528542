"""An administrator chooses the organisation's management information reports (§8.1)."""

from __future__ import annotations

from fastapi import APIRouter, status
from smartnumbers_kit.errors import NotFound
from smartnumbers_kit.http import errors

from smartnumbers_notify.domain.report_schedule import ReportSchedule
from smartnumbers_notify.http.deps import App, CurrentPrincipal
from smartnumbers_notify.http.schemas import ReportScheduleIn, ReportScheduleOut

router = APIRouter(prefix="/v1/reports", tags=["reports"])


def _out(schedule: ReportSchedule) -> ReportScheduleOut:
    return ReportScheduleOut(
        reports=schedule.reports,
        frequency=schedule.frequency,
        time_zone=schedule.time_zone,
        recipients=schedule.recipients,
        reported_until=schedule.reported_until,
    )


@router.get(
    "/schedule",
    response_model=ReportScheduleOut,
    summary="The organisation's report schedule (admin)",
    responses=errors(404, s404="No reports are scheduled for your organisation"),
)
def read_schedule(principal: CurrentPrincipal, app: App) -> ReportScheduleOut:
    principal.require_admin()
    schedule = app.report_schedule(principal.organisation_id)
    if schedule is None or schedule.stopped:
        raise NotFound("no reports are scheduled for your organisation")
    return _out(schedule)


@router.put(
    "/schedule", response_model=ReportScheduleOut, summary="Choose reports, how often, and who receives them"
)
def set_schedule(principal: CurrentPrincipal, app: App, body: ReportScheduleIn) -> ReportScheduleOut:
    principal.require_admin()
    return _out(
        app.set_report_schedule(
            principal.organisation_id, body.reports, body.frequency, body.time_zone, body.recipients
        )
    )


@router.delete(
    "/schedule",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Stop the organisation's reports (admin); setting a schedule again restarts them",
    responses=errors(404, s404="No reports are scheduled for your organisation"),
)
def stop_schedule(principal: CurrentPrincipal, app: App) -> None:
    principal.require_admin()
    app.stop_report_schedule(principal.organisation_id)
