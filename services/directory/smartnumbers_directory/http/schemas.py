"""Request and response bodies of the directory's REST API (never a password or a hash in a response)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import phonenumbers
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator
from smartnumbers_contracts.base import Identifier
from smartnumbers_contracts.directory import LocationNumberKind
from smartnumbers_directory.domain.contact import Contact
from smartnumbers_directory.domain.group import Group
from smartnumbers_directory.domain.team import Team
from smartnumbers_directory.domain.user import Role, User
from smartnumbers_directory.queries import Found
from smartnumbers_kit.bounds import (
    Email,
    Language,
    LongText,
    Name,
    PhoneNumber,
    RequiredPhoneNumber,
    Secret,
    TimeZone,
)

Password = Field(min_length=1, max_length=64, description="Digits only")
Visibility = Literal["private", "staff", "public"]
IDENTIFIER_SCHEMA = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- signing in -------------------------------------------------------------------------
class SignIn(Strict):
    number: RequiredPhoneNumber = Field(description="Your smartnumber or mailbox number, in any format")
    password: str = Password


class Tokens(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str | None = Field(description="Absent while the password must be changed")
    must_change_password: bool


class Refresh(Strict):
    refresh_token: Secret


class PasswordChange(Strict):
    old_password: str | None = Field(
        default=None, max_length=64, description="Required on the web; the gateway omits it"
    )
    new_password: str = Password
    confirm_password: str = Password


class PasswordReset(Strict):
    initial_password: str = Password


class PinCheck(Strict):
    """Whose PIN: the mailbox number dialled (§3.1.1), or the user a call introduction is for (§3.8)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["mailbox_number"]}, {"required": ["user_id"]}]},
    )

    mailbox_number: Annotated[PhoneNumber | None, WithJsonSchema({"type": "string", "maxLength": 32})] = (
        Field(default=None, description="The mailbox number dialled (§3.1.1)")
    )
    user_id: Annotated[Identifier | None, WithJsonSchema(IDENTIFIER_SCHEMA)] = Field(
        default=None, description="Or the user, when the gateway knows them"
    )
    pin: str = Password

    @field_validator("mailbox_number", "user_id", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("give a value, or leave it out")
        return value

    @model_validator(mode="after")
    def _one_of(self) -> PinCheck:
        if (self.mailbox_number is None) == (self.user_id is None):
            raise ValueError("give either mailbox_number or user_id")
        return self


class PinResult(BaseModel):
    valid: bool
    user_id: str


class PublicToken(BaseModel):
    access_token: str
    expires_in: int


# -- organisation, users, teams ---------------------------------------------------------------
class OrganisationSettings(Strict):
    name: str = Field(min_length=1, max_length=200)
    default_country: str = Field(
        pattern=r"^[A-Z]{2}$",
        description="The ISO 3166 region national numbers are read in (one `phonenumbers` knows), like GB",
    )
    password_min_length: int = Field(default=6, ge=4, le=20)
    location_number_kinds: list[LocationNumberKind] | None = Field(
        default=None,
        description="Kinds of number users may give as a location (default: national, mobile, "
        "international, unknown; premium and special_rate refused); omitted: unchanged",
    )

    @field_validator("default_country")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if value not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"{value!r} is not a country whose phone numbers are known (like GB, FR, US)")
        return value


class ProfileFields(Strict):
    display_name: str | None = Field(default=None, max_length=200)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    smartnumber: PhoneNumber | None = None
    mailbox_number: PhoneNumber | None = None
    email: str | None = Field(default=None, max_length=200)
    sms_number: PhoneNumber | None = None
    time_zone: TimeZone | None = None
    language: Language | None = None


class NewUser(ProfileFields):
    user_id: Identifier
    display_name: str = Field(min_length=1, max_length=200)
    role: Role = Role.USER
    initial_password: str = Password


class UserChange(ProfileFields):
    role: Role | None = None


class UserView(BaseModel):
    user_id: str
    role: str
    profile: dict[str, Any]
    active_in: list[str]
    must_change_password: bool

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(
            user_id=user.user_id,
            role=user.role,
            profile=user.profile,
            active_in=user.active_in,
            must_change_password=user.must_change_password,
        )


class ActiveTeams(Strict):
    active_in: list[Identifier] = Field(max_length=100)


class TeamBody(Strict):
    kind: Literal["team", "queue"]
    name: str = Field(min_length=1, max_length=200)
    smartnumber: PhoneNumber | None = None
    members: list[Identifier] = Field(default=[], max_length=500)
    strategy: Literal["all_at_once", "in_order", "round_robin"] = "all_at_once"
    ring_seconds: int = Field(default=20, ge=5, le=300)
    max_wait_seconds: int | None = Field(default=None, ge=10, le=3600)
    when_nobody_answers: str = Field(default="voicemail", max_length=100)


class NewTeam(TeamBody):
    team_id: Identifier


class TeamView(BaseModel):
    team_id: str
    definition: dict[str, Any]

    @classmethod
    def of(cls, team: Team) -> TeamView:
        return cls(team_id=team.team_id, definition=team.definition)


# -- contacts, address book, groups ------------------------------------------------------------
class ContactNumbers(Strict):
    office: list[PhoneNumber] = Field(default=[], max_length=10)
    mobile: list[PhoneNumber] = Field(default=[], max_length=10)
    home: list[PhoneNumber] = Field(default=[], max_length=10)
    fax: list[PhoneNumber] = Field(default=[], max_length=10)
    other: list[PhoneNumber] = Field(default=[], max_length=10)


class ContactBody(Strict):
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    display_name: str | None = Field(
        default=None, max_length=200, description="Defaults to first and last name"
    )
    job_title: Name | None = None
    department: Name | None = None
    company: Name | None = None
    numbers: ContactNumbers = ContactNumbers()
    email: Email | None = None
    associates: list[Name] = Field(default=[], max_length=50)
    related_information: LongText | None = None
    viewable_by: Visibility = "staff"
    editable_by: Visibility = "staff"


class ContactView(BaseModel):
    contact_id: str
    owner_id: str
    details: dict[str, Any]

    @classmethod
    def of(cls, contact: Contact) -> ContactView:
        return cls(contact_id=contact.contact_id, owner_id=contact.owner_id, details=contact.details)


class Created(BaseModel):
    id: str


class ListEntry(Strict):
    entry: str = Field(
        pattern=r"^(user|contact):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="user:<id> or contact:<id>"
    )


class AddressBookView(BaseModel):
    phone_book: list[str]
    vips: list[str]
    call_list: list[str]
    private: list[str] = Field(description="Your private contacts (contact ids)")


class GroupBody(Strict):
    name: str = Field(min_length=1, max_length=200)
    leader_id: Identifier | None = None
    administrator_id: Identifier | None = None
    recorded_name: str | None = Field(
        default=None, max_length=200, description="A reference to a recording (the mailbox fills it)"
    )
    members: list[Name] = Field(default=[], max_length=1000)
    member_of: list[Identifier] = Field(default=[], max_length=100)
    viewable_by: Visibility = "staff"
    editable_by: Visibility = "staff"
    related_information: str | None = Field(default=None, max_length=4000)


class GroupView(BaseModel):
    group_id: str
    owner_id: str
    details: dict[str, Any]
    visible_members: list[SearchResult] = []
    member_groups: list[str] = []

    @classmethod
    def of(cls, group: Group) -> GroupView:
        return cls(group_id=group.group_id, owner_id=group.owner_id, details=group.details)


class GroupSms(Strict):
    text: str = Field(min_length=1, max_length=640)


class SmsSent(BaseModel):
    recipients: int


# -- search ---------------------------------------------------------------------------------------
class SearchResult(BaseModel):
    kind: str
    id: str
    display_name: str
    match: str
    numbers: list[str]
    job_title: str | None = None
    department: str | None = None
    company: str | None = None
    location: str | None = Field(default=None, description="Users: their live location (§3.3)")
    availability: str | None = Field(default=None, description="Users: their live availability (§3.6)")

    @classmethod
    def of(cls, found: Found) -> SearchResult:
        e = found.entry
        return cls(
            kind=e.kind,
            id=e.id,
            display_name=e.display_name,
            match=found.match,
            numbers=list(e.numbers),
            job_title=e.fields.get("job_title"),
            department=e.fields.get("department"),
            company=e.fields.get("company"),
            location=found.location,
            availability=found.availability,
        )


GroupView.model_rebuild()
