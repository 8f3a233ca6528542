"""Groups (§4.5): members, nesting without cycles, visibility, and an SMS to every member."""

from __future__ import annotations

import uuid
from typing import Any

from smartnumbers_directory.domain.group import Group, check_no_cycle, keepers_of
from smartnumbers_directory.domain.visibility import Reader, can_edit, can_view, check_settings_kept
from smartnumbers_directory.search_index import Entry
from smartnumbers_directory.use_cases.base import DirectoryBase
from smartnumbers_kit.errors import Forbidden, Invalid


class Groups(DirectoryBase):
    def group(self, reader: Reader, group_id: str) -> Group:
        return self._visible(Group.create_id(reader.organisation_id, group_id), reader, f"group {group_id!r}")

    def create_group(self, reader: Reader, details: dict[str, Any]) -> str:
        self._require_writer(reader, "create groups")
        group_id = uuid.uuid4().hex[:16]
        group = Group.create(reader.organisation_id, group_id, reader.user_id, details)
        self._check(reader, group)
        self.save(group)
        return group_id

    def change_group(self, reader: Reader, group_id: str, details: dict[str, Any]) -> None:
        def command() -> list[Any]:
            group = self._editable_group(reader, group_id)
            check_settings_kept(group, reader, details, "group")
            group.change(details)
            self._check(reader, group)
            return [group]

        self.run_command(command, key=f"{reader.organisation_id}/group/{group_id}")

    def remove_group(self, reader: Reader, group_id: str) -> None:
        def command() -> list[Any]:
            group = self._editable_group(reader, group_id)
            group.remove()
            return [group]

        self.run_command(command, key=f"{reader.organisation_id}/group/{group_id}")

    def _editable_group(self, reader: Reader, group_id: str) -> Group:
        group = self.group(reader, group_id)
        if not can_edit(group, reader):
            raise Forbidden(f"you may see this group but not edit it (editable by {group.editable_by})")
        return group

    def _check(self, reader: Reader, group: Group) -> None:
        for ref in group.details["members"]:
            if self.queries.visible_entry(reader, ref) is None:
                raise Invalid(f"there is no member {ref!r} that you may see")
        for parent in group.details["member_of"]:
            self.group(reader, parent)
        for person in ("leader_id", "administrator_id"):
            self.user(reader.organisation_id, group.details[person])
        check_no_cycle(
            group.group_id, group.details["member_of"], lambda g: self.group(reader, g).details["member_of"]
        )

    # -- reading members -------------------------------------------------------------------
    def members(self, reader: Reader, group_id: str) -> tuple[list[Entry], list[str]]:
        """The direct members the reader may see, and the groups that are members of this one."""
        group = self.group(reader, group_id)
        entries = [self.queries.visible_entry(reader, ref) for ref in group.details["members"]]
        return [e for e in entries if e is not None], self._child_groups(reader, group_id)

    def _child_groups(self, reader: Reader, group_id: str) -> list[str]:
        with self.projection.lock:
            view = self.projection.org(reader.organisation_id)
            return [
                g
                for g in view.children(group_id)
                if can_view(_GroupView(reader.organisation_id, view.groups[g]), reader)
            ]

    # -- SMS to a group (§4.5) ----------------------------------------------------------------
    def sms_recipients(self, reader: Reader, group_id: str) -> list[str]:
        """Every SMS-capable number of every member the sender may see, through nesting, once each."""
        numbers: list[str] = []
        seen: set[str] = set()
        pending = [group_id]
        while pending:
            current = pending.pop(0)
            if current in seen:
                continue
            seen.add(current)
            members, children = self.members(reader, current)
            pending.extend(children)
            for entry in members:
                numbers.extend(self._sms_numbers(reader, entry))
        return list(dict.fromkeys(numbers))

    def _sms_numbers(self, reader: Reader, entry: Entry) -> list[str]:
        if entry.kind != "team":
            return [entry.sms_number] if entry.sms_number else []
        members = (entry.fields.get("members") or "").split()
        found = [self.queries.visible_entry(reader, f"user:{m}") for m in members]
        return [e.sms_number for e in found if e is not None and e.sms_number]

    def send_sms(self, reader: Reader, group_id: str, text: str) -> list[str]:
        recipients: list[str] = []

        def command() -> list[Any]:
            group = self.group(reader, group_id)
            recipients[:] = self.sms_recipients(reader, group_id)
            group.send_sms(text, recipients, reader)
            return [group]

        self.run_command(command, key=f"{reader.organisation_id}/group/{group_id}")
        return recipients


class _GroupView:
    """Enough of a group, from the projection, to decide who may see it."""

    def __init__(self, organisation_id: str, view: dict[str, Any]) -> None:
        self.organisation_id = organisation_id
        self.owner_id = view["owner_id"]
        self.viewable_by = view["details"]["viewable_by"]
        self.editable_by = view["details"]["editable_by"]
        self.keepers = keepers_of(view["owner_id"], view["details"])
