"""Who may see and who may edit a contact or a group (user guide §4.1.1, §4.5.1).

- **Private**: only the owner; for a group, also its leader and its administrator (§4.5),
  who see it but edit it only when its editable-by setting lets them.
- **Staff** (the default): any user of the organisation (administrators included).
- **Public**: anyone who may use the organisation's directory, including through a
  public directory token.

Editable by can never be wider than viewable by, and only the owner changes either ("only you
will be able to view this contact"): whoever else may edit an item changes everything but
those. Another organisation sees nothing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from smartnumbers_kit.errors import Forbidden, Invalid


class Visibility(StrEnum):
    PRIVATE = "private"
    STAFF = "staff"
    PUBLIC = "public"


WIDTH = {Visibility.PRIVATE: 0, Visibility.STAFF: 1, Visibility.PUBLIC: 2}
STAFF_ROLES = ("user", "admin", "service")


class Reader(Protocol):
    """Who is asking: the token's user, organisation and role (``public`` for a public token)."""

    @property
    def user_id(self) -> str: ...
    @property
    def organisation_id(self) -> str: ...
    @property
    def role(self) -> str: ...


class Shared(Protocol):
    @property
    def organisation_id(self) -> str: ...
    @property
    def owner_id(self) -> str: ...
    @property
    def viewable_by(self) -> str: ...
    @property
    def editable_by(self) -> str: ...


class SharedDetails:
    """What contacts and groups have alike: their settings live in ``details``."""

    details: dict[str, Any]

    @property
    def viewable_by(self) -> str:
        return str(self.details["viewable_by"])

    @property
    def editable_by(self) -> str:
        return str(self.details["editable_by"])


def check_settings(viewable_by: Visibility, editable_by: Visibility) -> None:
    if WIDTH[editable_by] > WIDTH[viewable_by]:
        raise Invalid(
            f"editable by {editable_by.value} is wider than viewable by {viewable_by.value}: "
            "who may edit must be able to see"
        )


def check_settings_kept(item: Shared, reader: Reader, details: dict[str, Any], kind: str) -> None:
    """Refuse a change of Viewable by / Editable by by anyone but the item's owner (§4.1.1, §4.5.1)."""
    wanted = (details.get("viewable_by") or Visibility.STAFF, details.get("editable_by") or Visibility.STAFF)
    if reader.user_id != item.owner_id and wanted != (item.viewable_by, item.editable_by):
        raise Forbidden(
            f"only its owner may change who may view or edit a {kind} "
            f"(it stays viewable by {item.viewable_by}, editable by {item.editable_by})"
        )


def keepers(item: Shared) -> tuple[str, ...]:
    """Who always sees an item, private or not: its owner, and whoever else the item names
    (a group's leader and administrator) through an optional ``keepers`` attribute."""
    return tuple(getattr(item, "keepers", (item.owner_id,)))


def _allowed(setting: str, item: Shared, reader: Reader, keepers: tuple[str, ...]) -> bool:
    if reader.organisation_id != item.organisation_id:
        return False
    if reader.user_id in keepers and reader.role in STAFF_ROLES:
        return True
    if setting == Visibility.PUBLIC:
        return True
    if setting == Visibility.STAFF:
        return reader.role in STAFF_ROLES
    return False


def can_view(item: Shared, reader: Reader) -> bool:
    return _allowed(item.viewable_by, item, reader, keepers(item))


def can_edit(item: Shared, reader: Reader) -> bool:
    return _allowed(item.editable_by, item, reader, (item.owner_id,)) and can_view(item, reader)
