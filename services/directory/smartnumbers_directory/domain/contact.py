"""A contact in the directory (user guide §4.1, §4.2): names, job, numbers by kind, who may see and edit."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from smartnumbers_directory.domain.visibility import SharedDetails, Visibility, check_settings
from smartnumbers_kit.errors import Invalid

NUMBER_KINDS = ("office", "mobile", "home", "fax", "other")
DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "display_name",
    "job_title",
    "department",
    "company",
    "numbers",
    "email",
    "associates",
    "related_information",
    "viewable_by",
    "editable_by",
)


def complete(details: dict[str, Any]) -> dict[str, Any]:
    """Fill the defaults (display name "first last", Staff/Staff) and check the rules."""
    details = dict(details)
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise Invalid(f"unknown contact field(s): {', '.join(sorted(unknown))}")
    last = (details.get("last_name") or "").strip()
    if not last:
        raise Invalid("a contact needs a last name")
    first = (details.get("first_name") or "").strip()
    details["display_name"] = (details.get("display_name") or "").strip() or f"{first} {last}".strip()
    numbers = details.get("numbers") or {}
    wrong = set(numbers) - set(NUMBER_KINDS)
    if wrong:
        raise Invalid(f"a contact's numbers are {', '.join(NUMBER_KINDS)}, not {', '.join(sorted(wrong))}")
    details["numbers"] = {kind: list(numbers.get(kind, [])) for kind in NUMBER_KINDS}
    details["associates"] = list(details.get("associates") or [])
    viewable = Visibility(details.get("viewable_by") or Visibility.STAFF)
    editable = Visibility(details.get("editable_by") or Visibility.STAFF)
    check_settings(viewable, editable)
    details["viewable_by"], details["editable_by"] = viewable.value, editable.value
    for field in ("first_name", "job_title", "department", "company", "email", "related_information"):
        details.setdefault(field, None)
    return details


class Contact(SharedDetails, Aggregate):
    @staticmethod
    def create_id(organisation_id: str, contact_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:directory:contact:{organisation_id}:{contact_id}")

    @classmethod
    def add(cls, organisation_id: str, contact_id: str, owner_id: str, details: dict[str, Any]) -> Contact:
        return cls(
            organisation_id=organisation_id,
            contact_id=contact_id,
            owner_id=owner_id,
            details=complete(details),
        )

    @event("Added")
    def __init__(self, organisation_id: str, contact_id: str, owner_id: str, details: dict[str, Any]) -> None:
        self.organisation_id = organisation_id
        self.contact_id = contact_id
        self.owner_id = owner_id
        self.details = details
        self.removed = False

    def change(self, details: dict[str, Any]) -> None:
        details = complete(details)
        if details != self.details:
            self._changed(details=details)

    @event("Changed")
    def _changed(self, details: dict[str, Any]) -> None:
        self.details = details

    @event("Removed")
    def remove(self) -> None:
        self.removed = True

    @property
    def display_name(self) -> str:
        return str(self.details["display_name"])

    def all_numbers(self) -> list[str]:
        return [n for kind in NUMBER_KINDS for n in self.details["numbers"][kind]]

    def sms_number(self) -> str | None:
        mobiles = self.details["numbers"]["mobile"]
        return mobiles[0] if mobiles else None
