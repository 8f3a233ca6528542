"""Request and response bodies of presence's REST API."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator
from smartnumbers_contracts.base import Identifier
from smartnumbers_kit.bounds import PhoneNumber

from smartnumbers_presence.domain.availability import Availability, CallIntroduction
from smartnumbers_presence.domain.location import Location
from smartnumbers_presence.domain.user_presence import UserPresence


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NumbersChange(Strict):
    """Only the numbers given change; an empty string or null removes one."""

    desk: PhoneNumber | None = None
    mobile: PhoneNumber | None = None
    home: PhoneNumber | None = None
    office_fax: PhoneNumber | None = None
    home_fax: PhoneNumber | None = None
    temporary_fax: PhoneNumber | None = None


class LocationSelection(Strict):
    location: Location
    number: PhoneNumber | None = Field(default=None, description="Only with temporary: the number to ring")


class AvailabilityChoice(Strict):
    availability: Availability
    delegate_id: Identifier | None = Field(
        default=None, description="Sets the delegate too (required for delegate unless one is set)"
    )


class DelegateChoice(Strict):
    delegate_id: Identifier | None


class TeamAvailabilityChoice(Strict):
    available_for_team_calls: bool


class CallIntroductionChoice(Strict):
    call_introduction: CallIntroduction


Flag = Annotated[bool | None, WithJsonSchema({"type": "boolean"})]
"""A flag that may be left out (unchanged), but not sent as null."""


class CallReportingChoice(Strict):
    """Only the flags given change; at least one must be given (§3.6.6–§3.6.9)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"anyOf": [{"required": ["lost_calls"]}, {"required": ["delegated_calls"]}]},
    )

    lost_calls: Flag = Field(
        default=None, description="An SMS when a caller hangs up before reaching voicemail"
    )
    delegated_calls: Flag = Field(default=None, description="An SMS when your delegate answers a call")

    @field_validator("lost_calls", "delegated_calls", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("give true or false, or leave it out")
        return value

    @model_validator(mode="after")
    def _something_to_change(self) -> Self:
        if self.lost_calls is None and self.delegated_calls is None:
            raise ValueError("give lost_calls, delegated_calls or both")
        return self


class BatchRead(Strict):
    user_ids: list[Identifier] = Field(min_length=1, max_length=1000)


class Numbers(BaseModel):
    desk: str | None
    mobile: str | None
    home: str | None
    temporary: str | None
    office_fax: str | None
    home_fax: str | None
    temporary_fax: str | None


class CallReporting(BaseModel):
    lost_calls: bool
    delegated_calls: bool


class Presence(BaseModel):
    user_id: str
    display_name: str
    location: Location
    location_number: str | None
    numbers: Numbers
    availability: Availability
    delegate_id: str | None
    available_for_team_calls: bool
    active_in: list[str]
    call_introduction: CallIntroduction
    call_reporting: CallReporting = Field(description="Which calls you are told of by SMS (§3.6.6–§3.6.9)")
    call_manager_connected: bool
    pc_ring_honoured: bool = Field(description="PC ring is set and a Call Manager is connected")
    calls_go_to_voicemail: bool = Field(description="Location is None: all calls go to voicemail (§3.3)")

    @classmethod
    def of(cls, user: UserPresence) -> Presence:
        connected = bool(user.call_manager_sessions)
        return cls(
            user_id=user.user_id,
            display_name=user.display_name,
            location=Location(user.location),
            location_number=user.location_number,
            numbers=Numbers(**user.numbers),
            availability=Availability(user.availability),
            delegate_id=user.delegate_id,
            available_for_team_calls=user.available_for_team_calls,
            active_in=user.active_in,
            call_introduction=CallIntroduction(user.call_introduction),
            call_reporting=CallReporting(
                lost_calls=user.report_lost_calls, delegated_calls=user.report_delegated_calls
            ),
            call_manager_connected=connected,
            pc_ring_honoured=connected and user.availability == Availability.PC_RING,
            calls_go_to_voicemail=user.location == Location.NONE,
        )


class ColleaguePresence(BaseModel):
    """What a colleague reads of a user's presence: where they are and whether they take calls,
    not the numbers behind it (the user themself and administrators read ``Presence``)."""

    model_config = ConfigDict(extra="forbid")

    user_id: str
    display_name: str
    location: Location = Field(description="The kind of location only; the number is the user's own")
    availability: Availability
    delegate_id: str | None
    available_for_team_calls: bool
    active_in: list[str]
    call_manager_connected: bool
    pc_ring_honoured: bool = Field(description="PC ring is set and a Call Manager is connected")
    calls_go_to_voicemail: bool = Field(description="Location is None: all calls go to voicemail (§3.3)")

    @classmethod
    def of(cls, user: UserPresence) -> ColleaguePresence:
        full = Presence.of(user)
        return cls(**full.model_dump(include=set(cls.model_fields)))


class CallManagerSession(BaseModel):
    session_id: str
    heartbeat_every_seconds: float
