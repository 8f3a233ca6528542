"""Lists of an organisation's users, teams and groups: filtered, sorted, paged, with counts.

Read from the projection, never the store, with the same visibility as search: users and
teams for everyone of the organisation (§4: the directory lists all users and teams),
groups as each group's ``viewable_by`` allows (§4.5). A role is shown to administrators only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from smartnumbers_directory.domain.visibility import Reader, can_view
from smartnumbers_directory.projection import DirectoryProjection
from smartnumbers_directory.queries import visible
from smartnumbers_directory.search_index import Entry, fold

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    total: int
    items: list[T]


@dataclass(frozen=True)
class UserRow:
    entry: Entry
    teams: list[str]
    location: str
    availability: str


@dataclass(frozen=True)
class TeamRow:
    entry: Entry
    members: list[str]


@dataclass
class GroupRow:
    """A group as visibility sees it (``Shared``): owner, organisation, who may view and edit."""

    group_id: str
    owner_id: str
    organisation_id: str
    viewable_by: str
    editable_by: str
    details: dict[str, Any]

    @classmethod
    def of(cls, organisation_id: str, group_id: str, group: dict[str, Any]) -> GroupRow:
        d = group["details"]
        return cls(group_id, group["owner_id"], organisation_id, d["viewable_by"], d["editable_by"], d)


def _digits(number: str) -> str:
    digits = "".join(c for c in number if c.isdigit())
    return digits[1:] if number.strip().startswith("0") else digits  # a national trunk prefix


def _named(entry_name: str, *others: str | None) -> str:
    return fold(" ".join(n for n in (entry_name, *others) if n))


def _page(rows: list[T], key: Callable[[T], Any], descending: bool, offset: int, limit: int) -> Page[T]:
    rows.sort(key=key, reverse=descending)
    return Page(len(rows), rows[offset : offset + limit])


def _sort_order(sort: str) -> tuple[str, bool]:
    return sort.lstrip("-"), sort.startswith("-")


class DirectoryLists:
    def __init__(self, projection: DirectoryProjection) -> None:
        self.projection = projection

    def users(
        self,
        reader: Reader,
        *,
        name: str | None = None,
        number: str | None = None,
        team: str | None = None,
        sort: str = "name",
        offset: int = 0,
        limit: int = 50,
    ) -> Page[UserRow]:
        with self.projection.lock:
            view = self.projection.org(reader.organisation_id)
            entries = view.index.entries.values()
            teams_of: dict[str, list[str]] = {}
            for t in sorted((e for e in entries if e.kind == "team"), key=lambda e: e.id):
                for member in (t.fields.get("members") or "").split():
                    teams_of.setdefault(member, []).append(t.id)
            rows = []
            for e in entries:
                if e.kind != "user" or not visible(e, reader):
                    continue
                if name and fold(name) not in _named(
                    e.display_name, e.fields.get("first_name"), e.fields.get("last_name")
                ):
                    continue
                if number and not any(_digits(number) in _digits(n) for n in e.numbers):
                    continue
                if team and team not in teams_of.get(e.id, []):
                    continue
                location, availability = view.presence.get(e.id, ("none", "available"))
                rows.append(UserRow(e, teams_of.get(e.id, []), location, availability))
        field, descending = _sort_order(sort)
        keys: dict[str, Callable[[UserRow], Any]] = {
            "name": lambda r: (fold(r.entry.display_name), r.entry.id),
            "number": lambda r: (r.entry.fields.get("smartnumber") or "~", r.entry.id),
            "user_id": lambda r: r.entry.id,
        }
        return _page(rows, keys[field], descending, offset, limit)

    def teams(
        self,
        reader: Reader,
        *,
        name: str | None = None,
        kind: str | None = None,
        sort: str = "name",
        offset: int = 0,
        limit: int = 50,
    ) -> Page[TeamRow]:
        with self.projection.lock:
            entries = list(self.projection.org(reader.organisation_id).index.entries.values())
        rows = [
            TeamRow(e, (e.fields.get("members") or "").split())
            for e in entries
            if e.kind == "team"
            and visible(e, reader)
            and (not name or fold(name) in fold(e.display_name))
            and (not kind or e.fields.get("team_kind") == kind)
        ]
        field, descending = _sort_order(sort)
        keys: dict[str, Callable[[TeamRow], Any]] = {
            "name": lambda r: (fold(r.entry.display_name), r.entry.id),
            "members": lambda r: (len(r.members), fold(r.entry.display_name)),
            "team_id": lambda r: r.entry.id,
        }
        return _page(rows, keys[field], descending, offset, limit)

    def groups(
        self,
        reader: Reader,
        *,
        name: str | None = None,
        owner: str | None = None,
        sort: str = "name",
        offset: int = 0,
        limit: int = 50,
    ) -> Page[GroupRow]:
        with self.projection.lock:
            groups = list(self.projection.org(reader.organisation_id).groups.items())
        rows = [
            row
            for row in (GroupRow.of(reader.organisation_id, group_id, g) for group_id, g in groups)
            if can_view(row, reader)
            and (not name or fold(name) in fold(row.details["name"]))
            and (not owner or row.owner_id == owner)
        ]
        field, descending = _sort_order(sort)
        keys: dict[str, Callable[[GroupRow], Any]] = {
            "name": lambda r: (fold(r.details["name"]), r.group_id),
            "members": lambda r: (len(r.details["members"]), fold(r.details["name"])),
        }
        return _page(rows, keys[field], descending, offset, limit)


__all__: Sequence[str] = ["DirectoryLists", "GroupRow", "Page", "TeamRow", "UserRow"]
