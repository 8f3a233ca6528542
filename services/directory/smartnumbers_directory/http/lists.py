"""Lists (§4, §4.5): an organisation's users, teams and groups, filtered, sorted and paged.

Administrators see what they made; users browse the same directory (§4: every user and
team of the organisation; groups as each allows). A page holds at most 200 rows; ``total``
counts every row that matches. Like search, these read only the projection: ``async def``.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from smartnumbers_directory.http.deps import App, Staff
from smartnumbers_directory.lists import DirectoryLists, GroupRow, TeamRow, UserRow
from smartnumbers_kit.auth import Principal, Role

router = APIRouter(prefix="/v1", tags=["lists"])

IDENTIFIER = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
Offset = Query(default=0, ge=0, le=1_000_000, description="Rows to skip")
Limit = Query(default=50, ge=1, le=200, description="Rows in a page (at most 200)")
Name = Query(
    default=None, min_length=1, max_length=100, description="Any part of the name, any case or accent"
)


class UserListed(BaseModel):
    user_id: str
    display_name: str
    first_name: str | None
    last_name: str | None
    smartnumber: str | None
    mailbox_number: str | None
    email: str | None
    teams: list[str] = Field(description="The Virtual Teams and Queues they are a member of")
    role: str | None = Field(description="Administrators only (null for users)")
    location: str = Field(description="Their live location (§3.3)")
    availability: str = Field(description="Their live availability (§3.6)")

    @classmethod
    def of(cls, row: UserRow, reader: Principal) -> UserListed:
        f = row.entry.fields
        return cls(
            user_id=row.entry.id,
            display_name=row.entry.display_name,
            first_name=f.get("first_name"),
            last_name=f.get("last_name"),
            smartnumber=f.get("smartnumber"),
            mailbox_number=f.get("mailbox_number"),
            email=f.get("email"),
            teams=row.teams,
            role=f.get("role") if reader.role is Role.ADMIN else None,
            location=row.location,
            availability=row.availability,
        )


class TeamListed(BaseModel):
    team_id: str
    name: str
    kind: str = Field(description="team or queue")
    smartnumber: str | None
    member_count: int
    members: list[str]

    @classmethod
    def of(cls, row: TeamRow) -> TeamListed:
        e = row.entry
        return cls(
            team_id=e.id,
            name=e.display_name,
            kind=e.fields.get("team_kind") or "team",
            smartnumber=e.numbers[0] if e.numbers else None,
            member_count=len(row.members),
            members=row.members,
        )


class GroupListed(BaseModel):
    group_id: str
    name: str
    owner_id: str
    member_count: int = Field(description="Its own members (not those of groups inside it)")
    member_of: list[str]
    viewable_by: str
    editable_by: str

    @classmethod
    def of(cls, row: GroupRow) -> GroupListed:
        d = row.details
        return cls(
            group_id=row.group_id,
            name=d["name"],
            owner_id=row.owner_id,
            member_count=len(d["members"]),
            member_of=list(d["member_of"]),
            viewable_by=row.viewable_by,
            editable_by=row.editable_by,
        )


class UserPage(BaseModel):
    total: int = Field(description="Every user that matches, on all pages")
    offset: int
    limit: int
    items: list[UserListed]


class TeamPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[TeamListed]


class GroupPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[GroupListed]


@router.get("/users", response_model=UserPage, summary="Users of your organisation, by name, number or team")
async def list_users(
    principal: Staff,
    app: App,
    name: str | None = Name,
    number: str | None = Query(
        default=None, pattern=r"^[+0-9 ()./-]{1,40}$", description="Any part of one of their numbers"
    ),
    team: str | None = Query(default=None, pattern=IDENTIFIER, description="Members of this team or queue"),
    sort: Literal["name", "-name", "number", "-number", "user_id", "-user_id"] = "name",
    offset: int = Offset,
    limit: int = Limit,
) -> UserPage:
    page = DirectoryLists(app.projection).users(
        principal, name=name, number=number, team=team, sort=sort, offset=offset, limit=limit
    )
    return UserPage(
        total=page.total, offset=offset, limit=limit, items=[UserListed.of(r, principal) for r in page.items]
    )


@router.get("/teams", response_model=TeamPage, summary="Virtual Teams and Queues, with their member counts")
async def list_teams(
    principal: Staff,
    app: App,
    name: str | None = Name,
    kind: Literal["team", "queue"] | None = None,
    sort: Literal["name", "-name", "members", "-members", "team_id", "-team_id"] = "name",
    offset: int = Offset,
    limit: int = Limit,
) -> TeamPage:
    page = DirectoryLists(app.projection).teams(
        principal, name=name, kind=kind, sort=sort, offset=offset, limit=limit
    )
    return TeamPage(
        total=page.total, offset=offset, limit=limit, items=[TeamListed.of(r) for r in page.items]
    )


@router.get("/groups", response_model=GroupPage, summary="The groups you may see (§4.5), with member counts")
async def list_groups(
    principal: Staff,
    app: App,
    name: str | None = Name,
    owner: str | None = Query(default=None, pattern=r"^(me|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$"),
    sort: Literal["name", "-name", "members", "-members"] = "name",
    offset: int = Offset,
    limit: int = Limit,
) -> GroupPage:
    page = DirectoryLists(app.projection).groups(
        principal,
        name=name,
        owner=principal.user_id if owner == "me" else owner,
        sort=sort,
        offset=offset,
        limit=limit,
    )
    return GroupPage(
        total=page.total, offset=offset, limit=limit, items=[GroupListed.of(r) for r in page.items]
    )
