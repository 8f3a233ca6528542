"""Events of the directory service (user guide §1.1, §2, §3.7, §4).

Until the directory service exists, the development CLI ``smartnumbers-dev`` publishes
the organisation and user events as a stand-in, so that presence learns which
organisations and users exist.

Snapshots, not deltas: ``user.updated``, ``team.updated`` and ``user.vips_changed`` carry
the whole current state, so a consumer never needs an earlier message to apply one.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from smartnumbers_contracts.base import Contract, Identifier


class OrganisationConfigured(Contract):
    subject = "directory.organisation.configured.v1"
    summary = "An organisation was created or its settings changed"

    name: str
    default_country: str = Field(
        pattern=r"^[A-Z]{2}$",
        description="ISO 3166 region used to read national-format numbers (e.g. GB)",
    )


class LocationNumberKind(StrEnum):
    """Kinds of number a location may be (toll fraud), as ``phonenumbers.number_type`` tells
    them, read against the organisation's country:

    - ``premium``: premium-rate numbers (PREMIUM_RATE), in any country;
    - ``special_rate``: shared-cost and personal numbers (SHARED_COST, PERSONAL_NUMBER, e.g.
      the UK's 084/087 and 070), which also cost the caller more than a normal call;
    - ``international``: any other number with another country calling code;
    - ``mobile``: the country's mobile and pager numbers (MOBILE, PAGER);
    - ``national``: the country's fixed-line, freephone, VoIP and non-geographic numbers
      (FIXED_LINE, FIXED_LINE_OR_MOBILE, TOLL_FREE, VOIP, UAN, VOICEMAIL);
    - ``unknown``: the country's numbers in no range the library knows (unallocated or
      reserved, such as Ofcom's drama numbers).
    """

    NATIONAL = "national"
    MOBILE = "mobile"
    INTERNATIONAL = "international"
    PREMIUM = "premium"
    SPECIAL_RATE = "special_rate"
    UNKNOWN = "unknown"


DEFAULT_LOCATION_NUMBER_KINDS = (
    LocationNumberKind.NATIONAL,
    LocationNumberKind.MOBILE,
    LocationNumberKind.INTERNATIONAL,
    LocationNumberKind.UNKNOWN,
)
"""Until an administrator says otherwise: premium-rate and special-rate numbers are refused."""


class LocationPolicyChanged(Contract):
    subject = "directory.organisation.location_policy_changed.v1"
    summary = "An administrator changed which kinds of number users may give as a location (toll fraud)"

    allowed: list[LocationNumberKind] = Field(
        description="Kinds of number a location (desk, mobile, home, temporary, fax) may be"
    )


class UserProfile(BaseModel):
    """What other services need to know of a user (no secrets, ever)."""

    model_config = ConfigDict(frozen=True)

    display_name: str
    first_name: str | None = None
    last_name: str | None = None
    smartnumber: str | None = Field(default=None, description="E.164")
    mailbox_number: str | None = Field(default=None, description="E.164")
    email: str | None = None
    sms_number: str | None = Field(default=None, description="E.164 mobile for SMS alerts")
    time_zone: str = Field(default="Europe/London", description="IANA time zone")
    language: str = Field(default="en", description="BCP 47 language tag")


class UserCreated(Contract):
    subject = "directory.user.created.v1"
    summary = "An administrator created a user"

    user_id: Identifier
    display_name: str
    smartnumber: str | None = None
    profile: UserProfile | None = Field(
        default=None, description="The whole profile (absent from the stand-in)"
    )


class UserUpdated(Contract):
    subject = "directory.user.updated.v1"
    summary = "An administrator (or the user) changed a user's profile; carries the whole profile"

    user_id: Identifier
    profile: UserProfile


class UserRemoved(Contract):
    subject = "directory.user.removed.v1"
    summary = "An administrator removed a user (every service refuses the user's tokens from then on)"

    user_id: Identifier


class SessionsEndedBecause(StrEnum):
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    SIGNED_OUT = "signed_out"


class UserSessionsEnded(Contract):
    subject = "directory.user.sessions_ended.v1"
    summary = (
        "Every session of a user ended (password changed or reset, signed out): every service "
        "refuses the user's tokens issued before ended_at"
    )

    user_id: Identifier
    ended_at: datetime = Field(description="Tokens whose iat is before this (UTC) are refused")
    reason: SessionsEndedBecause


class UserTeamsChanged(Contract):
    subject = "directory.user.teams_changed.v1"
    summary = "An administrator changed which Virtual Teams and Queues a user is active in"

    user_id: Identifier
    active_in: list[Identifier]


class UserLocked(Contract):
    subject = "directory.user.locked.v1"
    summary = "Too many wrong passwords in a row: the account is locked for a while (web and phone)"

    user_id: Identifier
    failures: int
    locked_until: str = Field(description="ISO 8601 UTC time the lock ends")


class RingStrategy(StrEnum):
    ALL_AT_ONCE = "all_at_once"
    IN_ORDER = "in_order"
    ROUND_ROBIN = "round_robin"


class TeamKind(StrEnum):
    TEAM = "team"
    QUEUE = "queue"


class TeamDefinition(BaseModel):
    """A Virtual Team or Virtual Queue, whole."""

    model_config = ConfigDict(frozen=True)

    kind: TeamKind
    name: str
    smartnumber: str | None = Field(default=None, description="E.164")
    members: list[Identifier] = Field(description="User ids, in ringing order")
    strategy: RingStrategy = RingStrategy.ALL_AT_ONCE
    ring_seconds: int = Field(default=20, description="How long each step rings")
    max_wait_seconds: int | None = Field(default=None, description="Queues: longest a caller waits")
    when_nobody_answers: str = Field(
        default="voicemail", description="voicemail (the team's mailbox) or transfer:<E.164>"
    )


class TeamCreated(Contract):
    subject = "directory.team.created.v1"
    summary = "An administrator created a Virtual Team or Virtual Queue"

    team_id: Identifier
    team: TeamDefinition


class TeamUpdated(Contract):
    subject = "directory.team.updated.v1"
    summary = "A team or queue changed (members, strategy, number…); carries the whole definition"

    team_id: Identifier
    team: TeamDefinition


class TeamRemoved(Contract):
    subject = "directory.team.removed.v1"
    summary = "An administrator removed a team or queue"

    team_id: Identifier


class VipsChanged(Contract):
    subject = "directory.user.vips_changed.v1"
    summary = "A user's VIP list changed; carries every number that belongs to a VIP of theirs (§4.1.2)"

    user_id: Identifier
    vip_numbers: list[str] = Field(description="E.164 numbers of every VIP contact")


class Visibility(StrEnum):
    PRIVATE = "private"
    STAFF = "staff"
    PUBLIC = "public"


class ContactNumbers(BaseModel):
    model_config = ConfigDict(frozen=True)

    office: list[str] = []
    mobile: list[str] = []
    home: list[str] = []
    fax: list[str] = []
    other: list[str] = []


class ContactChanged(Contract):
    subject = "directory.contact.changed.v1"
    summary = "A contact was created or changed (for reverse lookup of callers' names)"

    contact_id: Identifier
    owner_id: Identifier
    display_name: str
    numbers: ContactNumbers
    viewable_by: Visibility


class ContactRemoved(Contract):
    subject = "directory.contact.removed.v1"
    summary = "A contact was deleted"

    contact_id: Identifier
