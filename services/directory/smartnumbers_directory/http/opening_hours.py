"""The organisation's opening hours and holidays: everyone reads them, administrators set them."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from smartnumbers_contracts.schedule import Holiday, OpeningPeriod
from smartnumbers_directory.domain.organisation import Organisation
from smartnumbers_directory.http.deps import Admin, App, Staff

router = APIRouter(prefix="/v1", tags=["people"])


class OpeningHoursBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    time_zone: str | None = Field(max_length=64, description="IANA time zone; null: always open")
    hours: list[OpeningPeriod] = Field(max_length=21, description="When the organisation is open")
    holidays: list[Holiday] = Field(default_factory=list, max_length=100, description="Closed all day")
    overflow: dict[str, str] = Field(
        default_factory=dict,
        max_length=100,
        description="Team id → the team that takes its calls while closed (else the team's mailbox)",
    )

    @classmethod
    def of(cls, o: Organisation) -> OpeningHoursBody:
        return cls(
            time_zone=o.time_zone,
            hours=[OpeningPeriod(**p) for p in o.opening_hours],
            holidays=[Holiday(**h) for h in o.holidays],
            overflow=o.overflow,
        )


@router.get(
    "/organisation/opening-hours", response_model=OpeningHoursBody, summary="Opening hours and holidays"
)
def read_opening_hours(principal: Staff, app: App) -> OpeningHoursBody:
    return OpeningHoursBody.of(app.organisation(principal.organisation_id))


@router.put(
    "/organisation/opening-hours",
    response_model=OpeningHoursBody,
    summary="Set opening hours and holidays (teams follow them)",
)
def set_opening_hours(body: OpeningHoursBody, admin: Admin, app: App) -> OpeningHoursBody:
    app.set_opening_hours(admin.organisation_id, body.time_zone, body.hours, body.holidays, body.overflow)
    return OpeningHoursBody.of(app.organisation(admin.organisation_id))
