"""The directory's read side: built from the event store at start-up, kept current on every commit.

The event store stays the truth; this projection follows its notification log (after
each commit in this process, and on demand), so search and reverse lookup never touch
the database. Each replica keeps its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from smartnumbers_directory.domain.address_book import AddressBook
from smartnumbers_directory.domain.contact import Contact
from smartnumbers_directory.domain.group import Group
from smartnumbers_directory.domain.live_presence import LivePresence
from smartnumbers_directory.domain.organisation import Organisation
from smartnumbers_directory.domain.team import Team
from smartnumbers_directory.domain.user import User
from smartnumbers_directory.search_index import Entry, NameAndNumberIndex, words_of
from smartnumbers_kit.store import ServiceApplication

BATCH = 1000


class OrganisationView:
    def __init__(self) -> None:
        self.country = "GB"
        self.index = NameAndNumberIndex()
        self.presence: dict[str, tuple[str, str]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.vip_holders: dict[str, set[str]] = {}

    def children(self, group_id: str) -> list[str]:
        return sorted(g for g, view in self.groups.items() if group_id in view["details"]["member_of"])


class DirectoryProjection:
    def __init__(self, app: ServiceApplication) -> None:
        self.app = app
        self.lock = threading.RLock()
        self.position = 0
        self.organisations: dict[str, OrganisationView] = {}
        self._origin: dict[UUID, tuple[str, str]] = {}

    def org(self, organisation_id: str) -> OrganisationView:
        with self.lock:
            return self.organisations.setdefault(organisation_id, OrganisationView())

    def catch_up(self) -> None:
        with self.lock:
            while True:
                notifications = self.app.recorder.select_notifications(
                    self.position, BATCH, inclusive_of_start=False
                )
                for notification in notifications:
                    self._apply(self.app.mapper.to_domain_event(notification))
                    self.position = notification.id
                if len(notifications) < BATCH:
                    return

    # -- events → views ------------------------------------------------------------
    def _apply(self, event: Any) -> None:
        if isinstance(event, Contact.Event):
            self._contact(event)
        elif isinstance(event, User.Event):
            self._user(event)
        elif isinstance(event, Team.Event):
            self._team(event)
        elif isinstance(event, Group.Event):
            self._group(event)
        elif isinstance(event, LivePresence.Event):
            self._presence(event)
        elif isinstance(event, AddressBook.Listed):
            self._address_book(event)
        elif isinstance(event, AddressBook.Opened):
            self._origin[event.originator_id] = (event.organisation_id, event.user_id)
        elif isinstance(event, Organisation.Event):
            org = getattr(event, "organisation_id", None)
            if org is not None:
                self._origin[event.originator_id] = (org, org)
            org, _ = self._origin[event.originator_id]
            if hasattr(event, "default_country"):  # location policy, opening hours: others' business
                self.org(org).country = event.default_country

    def _contact(self, event: Any) -> None:
        if isinstance(event, Contact.Added):
            self._origin[event.originator_id] = (event.organisation_id, event.contact_id)
        org, contact_id = self._origin[event.originator_id]
        index = self.org(org).index
        if isinstance(event, Contact.Removed):
            index.drop(f"contact:{contact_id}")
            return
        owner = (
            event.owner_id
            if isinstance(event, Contact.Added)
            else index.entries[f"contact:{contact_id}"].owner_id
        )
        d = event.details
        numbers = tuple(n for kind in sorted(d["numbers"]) for n in d["numbers"][kind])
        index.put(
            Entry(
                kind="contact",
                id=contact_id,
                organisation_id=org,
                display_name=d["display_name"],
                owner_id=owner,
                viewable_by=d["viewable_by"],
                editable_by=d["editable_by"],
                fields={
                    k: d.get(k)
                    for k in ("first_name", "last_name", "job_title", "department", "company", "email")
                },
                numbers=numbers,
                sms_number=(d["numbers"]["mobile"] or [None])[0],
                words=frozenset(words_of(d.get("first_name"), d.get("last_name"), d["display_name"])),
            )
        )

    def _user(self, event: Any) -> None:
        if isinstance(event, User.Created):
            self._origin[event.originator_id] = (event.organisation_id, event.user_id)
        org, user_id = self._origin[event.originator_id]
        index = self.org(org).index
        if isinstance(event, User.Removed):
            index.drop(f"user:{user_id}")
            return
        if isinstance(event, User.RoleChanged):
            index.entries[f"user:{user_id}"].fields["role"] = event.role
            return
        if not isinstance(event, (User.Created, User.ProfileChanged)):
            return
        p = event.profile
        role = (
            event.role if isinstance(event, User.Created) else index.entries[f"user:{user_id}"].fields["role"]
        )
        index.put(
            Entry(
                kind="user",
                id=user_id,
                organisation_id=org,
                display_name=p["display_name"],
                fields={
                    k: p.get(k) for k in ("first_name", "last_name", "email", "smartnumber", "mailbox_number")
                }
                | {"role": role},
                numbers=tuple(
                    n for n in (p.get("smartnumber"), p.get("mailbox_number"), p.get("sms_number")) if n
                ),
                sms_number=p.get("sms_number"),
                words=frozenset(words_of(p.get("first_name"), p.get("last_name"), p["display_name"])),
            )
        )

    def _team(self, event: Any) -> None:
        if isinstance(event, Team.Created):
            self._origin[event.originator_id] = (event.organisation_id, event.team_id)
        org, team_id = self._origin[event.originator_id]
        index = self.org(org).index
        if isinstance(event, Team.Removed):
            index.drop(f"team:{team_id}")
            return
        d = event.definition
        index.put(
            Entry(
                kind="team",
                id=team_id,
                organisation_id=org,
                display_name=d["name"],
                fields={"members": " ".join(d["members"]), "team_kind": d["kind"]},
                numbers=(d["smartnumber"],) if d.get("smartnumber") else (),
                words=frozenset(words_of(d["name"])),
            )
        )

    def _group(self, event: Any) -> None:
        if isinstance(event, Group.Created):
            self._origin[event.originator_id] = (event.organisation_id, event.group_id)
        org, group_id = self._origin[event.originator_id]
        groups = self.org(org).groups
        if isinstance(event, Group.Removed):
            groups.pop(group_id, None)
        elif isinstance(event, Group.Created):
            groups[group_id] = {"owner_id": event.owner_id, "details": event.details}
        elif isinstance(event, Group.Changed):
            groups[group_id] = {**groups[group_id], "details": event.details}

    def _presence(self, event: Any) -> None:
        if isinstance(event, LivePresence.Seen):
            self._origin[event.originator_id] = (event.organisation_id, event.user_id)
        org, user_id = self._origin[event.originator_id]
        presence = self.org(org).presence
        location, availability = presence.get(user_id, ("none", "available"))
        if isinstance(event, LivePresence.LocationSeen):
            location = event.location
        elif isinstance(event, LivePresence.AvailabilitySeen):
            availability = event.availability
        presence[user_id] = (location, availability)

    def _address_book(self, event: Any) -> None:
        if event.list_name != "vips":
            return
        org, user_id = self._origin[event.originator_id]
        holders = self.org(org).vip_holders
        for held in holders.values():
            held.discard(user_id)
        for ref in event.entries:
            holders.setdefault(ref, set()).add(user_id)

    # -- reading -------------------------------------------------------------------
    def entries(self, organisation_id: str) -> Iterator[Entry]:
        with self.lock:
            yield from list(self.org(organisation_id).index.entries.values())
