"""Events published by the presence service (user guide §3.3, §3.6, §3.7, §3.8)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from smartnumbers_contracts.base import Contract, Identifier


class Location(StrEnum):
    DESK = "desk"
    MOBILE = "mobile"
    HOME = "home"
    TEMPORARY = "temporary"
    NONE = "none"


class Availability(StrEnum):
    AVAILABLE = "available"
    VOICEMAIL = "voicemail"
    PC_RING = "pc_ring"
    DELEGATE = "delegate"
    NO_MESSAGES = "no_messages"


class CallIntroduction(StrEnum):
    """§3.8: announce a call to the answering party before connecting it."""

    ON = "on"
    ON_WITH_PASSWORD = "on_with_password"
    DELEGATED_ONLY = "delegated_only"
    """Off, except for calls delegated to this user."""
    OFF = "off"


class LocationCause(StrEnum):
    SELECTED = "selected"
    """The user chose it (web, phone or Call Manager)."""
    HOT_DESK = "hot_desk"
    """Another user logged on to the same number, so this user was set to None."""
    NUMBER_CHANGED = "number_changed"
    """The number kept for the current location changed."""
    SCHEDULE = "schedule"
    """A period of the user's weekly schedule started."""


class Numbers(BaseModel):
    """A user's phone and fax numbers, in E.164 (null when not set)."""

    model_config = ConfigDict(frozen=True)

    desk: str | None = None
    mobile: str | None = None
    home: str | None = None
    temporary: str | None = None
    office_fax: str | None = None
    home_fax: str | None = None
    temporary_fax: str | None = None


class LocationChanged(Contract):
    subject = "presence.user.location_changed.v1"
    summary = "A user selected a location (also when re-selecting the same one), or was logged out"

    user_id: Identifier
    location: Location
    number: str | None = Field(description="E.164 number calls now ring; null for None")
    previous_location: Location
    cause: LocationCause
    displaced_by: Identifier | None = Field(
        default=None, description="With cause hot_desk: the user who took over the number"
    )


class AvailabilityChanged(Contract):
    subject = "presence.user.availability_changed.v1"
    summary = "A user changed their availability"

    user_id: Identifier
    availability: Availability
    delegate_id: Identifier | None = Field(
        default=None, description="The delegate, when availability is delegate"
    )


class TeamAvailabilityChanged(Contract):
    subject = "presence.user.team_availability_changed.v1"
    summary = "A user switched team calls on or off, or the teams they are active in changed"

    user_id: Identifier
    available_for_team_calls: bool
    active_in: list[Identifier] = Field(description="Teams and queues the user is active in")


class NumbersChanged(Contract):
    subject = "presence.user.numbers_changed.v1"
    summary = "The phone or fax numbers kept for a user changed"

    user_id: Identifier
    numbers: Numbers


class CallManagerConnected(Contract):
    subject = "presence.user.call_manager_connected.v1"
    summary = "A Call Manager window connected for a user (PC ring can be honoured)"

    user_id: Identifier
    session_id: str
    connected_sessions: int = Field(description="Call Manager sessions now connected")


class CallManagerDisconnected(Contract):
    subject = "presence.user.call_manager_disconnected.v1"
    summary = "A Call Manager window closed, or its heartbeats stopped"

    user_id: Identifier
    session_id: str
    expired: bool = Field(description="True when heartbeats stopped rather than a clean close")
    connected_sessions: int = Field(description="Call Manager sessions still connected")


class CallIntroductionChanged(Contract):
    subject = "presence.user.call_introduction_changed.v1"
    summary = "A user changed their call introduction setting (§3.8)"

    user_id: Identifier
    call_introduction: CallIntroduction


class CallReportingChanged(Contract):
    subject = "presence.user.call_reporting_changed.v1"
    summary = "A user changed which calls they are told of by SMS (§3.6.6–§3.6.9); the full new state"

    user_id: Identifier
    lost_calls: bool = Field(
        description="An SMS when a caller hangs up before reaching voicemail (Lost Calls, §3.6.6)"
    )
    delegated_calls: bool = Field(
        description="An SMS when the delegate answers a call to this user (Delegated Calls, §3.6.8)"
    )


class RingNumber(StrEnum):
    """A number kept in a user's settings that a ring sequence step may ring."""

    DESK = "desk"
    MOBILE = "mobile"
    HOME = "home"


class RingSequenceStep(BaseModel):
    model_config = ConfigDict(frozen=True)

    numbers: list[RingNumber] = Field(description="The user's own numbers rung together in this step")
    seconds: int = Field(description="How long they ring before the next step")


class RingSequenceChanged(Contract):
    subject = "presence.user.ring_sequence_changed.v1"
    summary = (
        "A user set or cleared their personal ring sequence (used while Available); "
        "after the last step, voicemail. The full new sequence"
    )

    user_id: Identifier
    steps: list[RingSequenceStep] = Field(description="Empty: no sequence, calls ring the location")
