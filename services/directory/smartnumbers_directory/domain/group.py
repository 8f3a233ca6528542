"""Groups (user guide §4.5): leader, administrator, members, nesting, visibility, SMS to all.

Members are references: ``user:<id>``, ``contact:<id>`` or ``team:<id>``. ``member_of``
lists the groups this group is itself a member of (its Group Memberships); a group's
members therefore include the members of every group that is a member of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from smartnumbers_directory.domain.visibility import (
    Reader,
    SharedDetails,
    Visibility,
    can_edit,
    check_settings,
)
from smartnumbers_kit.errors import Forbidden, Invalid

MEMBER_KINDS = ("user", "contact", "team")
DETAIL_FIELDS = (
    "name",
    "leader_id",
    "administrator_id",
    "recorded_name",
    "members",
    "member_of",
    "viewable_by",
    "editable_by",
    "related_information",
)


def complete(details: dict[str, Any], creator_id: str) -> dict[str, Any]:
    details = dict(details)
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise Invalid(f"unknown group field(s): {', '.join(sorted(unknown))}")
    if not (details.get("name") or "").strip():
        raise Invalid("a group needs a name")
    details["leader_id"] = details.get("leader_id") or creator_id
    details["administrator_id"] = details.get("administrator_id") or creator_id
    members = list(details.get("members") or [])
    for ref in members:
        kind, _, ident = ref.partition(":")
        if kind not in MEMBER_KINDS or not ident:
            raise Invalid(f"a member is user:<id>, contact:<id> or team:<id>, not {ref!r}")
    if len(set(members)) != len(members):
        raise Invalid("a member appears twice in the group")
    details["members"] = members
    details["member_of"] = sorted(set(details.get("member_of") or []))
    viewable = Visibility(details.get("viewable_by") or Visibility.STAFF)
    editable = Visibility(details.get("editable_by") or Visibility.STAFF)
    check_settings(viewable, editable)
    details["viewable_by"], details["editable_by"] = viewable.value, editable.value
    details.setdefault("recorded_name", None)
    details.setdefault("related_information", None)
    return details


def keepers_of(owner_id: str, details: dict[str, Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([owner_id, details["leader_id"], details["administrator_id"]]))


def check_no_cycle(group_id: str, member_of: list[str], parents_of: Callable[[str], list[str]]) -> None:
    """Refuse memberships that would make ``group_id`` (transitively) a member of itself."""
    seen: set[str] = set()
    stack = list(member_of)
    while stack:
        parent = stack.pop()
        if parent == group_id:
            raise Invalid(f"the group {group_id!r} would be a member of itself through its memberships")
        if parent not in seen:
            seen.add(parent)
            stack.extend(parents_of(parent))


class Group(SharedDetails, Aggregate):
    @staticmethod
    def create_id(organisation_id: str, group_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:directory:group:{organisation_id}:{group_id}")

    @classmethod
    def create(cls, organisation_id: str, group_id: str, owner_id: str, details: dict[str, Any]) -> Group:
        return cls(
            organisation_id=organisation_id,
            group_id=group_id,
            owner_id=owner_id,
            details=complete(details, owner_id),
        )

    @event("Created")
    def __init__(self, organisation_id: str, group_id: str, owner_id: str, details: dict[str, Any]) -> None:
        self.organisation_id = organisation_id
        self.group_id = group_id
        self.owner_id = owner_id
        self.details = details
        self.removed = False

    def change(self, details: dict[str, Any]) -> None:
        details = complete(details, self.owner_id)
        if details != self.details:
            self._changed(details=details)

    @event("Changed")
    def _changed(self, details: dict[str, Any]) -> None:
        self.details = details

    @property
    def keepers(self) -> tuple[str, ...]:
        """Who sees the group even when it is private: owner, leader, administrator (§4.5)."""
        return keepers_of(self.owner_id, self.details)

    @event("Removed")
    def remove(self) -> None:
        self.removed = True

    # -- SMS to the group (§4.5) ----------------------------------------------------
    def may_send_sms(self, reader: Reader) -> bool:
        """The leader, the administrator or an editor, signed in as a user of the organisation: not a
        public directory token, which only reads (even a group anyone may edit), nor a service."""
        if reader.role not in ("user", "admin"):
            return False
        return reader.user_id in (self.details["leader_id"], self.details["administrator_id"]) or can_edit(
            self, reader
        )

    def send_sms(self, text: str, recipients: list[str], reader: Reader) -> None:
        if not self.may_send_sms(reader):
            raise Forbidden("only the group's leader, its administrator or an editor may send it an SMS")
        if not text.strip():
            raise Invalid("an SMS needs some text")
        if len(text) > 640:
            raise Invalid("an SMS is at most 640 characters")
        if not recipients:
            raise Invalid("no member of this group has a number that can receive an SMS")
        self._sms_requested(
            text=text, recipients=list(dict.fromkeys(recipients)), requested_by=reader.user_id
        )

    @event("SmsRequested")
    def _sms_requested(self, text: str, recipients: list[str], requested_by: str) -> None:
        pass
