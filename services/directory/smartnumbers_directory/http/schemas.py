"""Request and response bodies of the directory's REST API (never a password or a hash in a response)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from smartnumbers_contracts.base import Identifier
from smartnumbers_contracts.directory import LocationNumberKind
from smartnumbers_directory.domain.contact import Contact
from smartnumbers_directory.domain.group import Group
from smartnumbers_directory.domain.team import Team
from smartnumbers_directory.domain.user import Role, User
from smartnumbers_directory.queries import Found

Password = Field(min_length=1, max_length=64, description="Digits only")
Visibility = Literal["private", "staff", "public"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- signing in -------------------------------------------------------------------------
class SignIn(Strict):
    number: str = Field(description="Your smartnumber or mailbox number, in any format")
    password: str = Password


class Tokens(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str | None = Field(description="Absent while the password must be changed")
    must_change_password: bool


class Refresh(Strict):
    refresh_token: str


class PasswordChange(Strict):
    old_password: str | None = Field(default=None, description="Required on the web; the gateway omits it")
    new_password: str = Password
    confirm_password: str = Password


class PasswordReset(Strict):
    initial_password: str = Password


class PinCheck(Strict):
    """Whose PIN: the mailbox number dialled (§3.1.1), or the user a call introduction is for (§3.8)."""

    mailbox_number: str | None = Field(default=None, description="The mailbox number dialled (§3.1.1)")
    user_id: Identifier | None = Field(default=None, description="Or the user, when the gateway knows them")
    pin: str = Password

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
    default_country: str = Field(pattern=r"^[A-Z]{2}$")
    password_min_length: int = Field(default=6, ge=4, le=20)
    location_number_kinds: list[LocationNumberKind] | None = Field(
        default=None,
        description="Kinds of number users may give as a location (default: national, mobile, "
        "international, unknown; premium and special_rate refused); omitted: unchanged",
    )


class ProfileFields(Strict):
    display_name: str | None = Field(default=None, max_length=200)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    smartnumber: str | None = None
    mailbox_number: str | None = None
    email: str | None = Field(default=None, max_length=200)
    sms_number: str | None = None
    time_zone: str | None = None
    language: str | None = None


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
    active_in: list[Identifier]


class TeamBody(Strict):
    kind: Literal["team", "queue"]
    name: str = Field(min_length=1, max_length=200)
    smartnumber: str | None = None
    members: list[Identifier] = []
    strategy: Literal["all_at_once", "in_order", "round_robin"] = "all_at_once"
    ring_seconds: int = Field(default=20, ge=5, le=300)
    max_wait_seconds: int | None = Field(default=None, ge=10, le=3600)
    when_nobody_answers: str = "voicemail"


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
    office: list[str] = []
    mobile: list[str] = []
    home: list[str] = []
    fax: list[str] = []
    other: list[str] = []


class ContactBody(Strict):
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    display_name: str | None = Field(
        default=None, max_length=200, description="Defaults to first and last name"
    )
    job_title: str | None = None
    department: str | None = None
    company: str | None = None
    numbers: ContactNumbers = ContactNumbers()
    email: str | None = None
    associates: list[str] = []
    related_information: str | None = Field(default=None, max_length=4000)
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
        default=None, description="A reference to a recording (the mailbox fills it)"
    )
    members: list[str] = []
    member_of: list[Identifier] = []
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
