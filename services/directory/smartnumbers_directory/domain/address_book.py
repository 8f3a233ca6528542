"""A user's address book (user guide §4 intro, §4.1.2, §7.4.2): Phone Book, VIPs, Call List.

Entries are references: ``contact:<id>`` or ``user:<id>``. (Private contacts are the
contacts the user owns and nobody else may see; they need no list of their own.)
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from smartnumbers_kit.errors import Invalid, NotFound

LISTS = ("phone_book", "vips", "call_list")


class AddressBook(Aggregate):
    @staticmethod
    def create_id(organisation_id: str, user_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:directory:address-book:{organisation_id}:{user_id}")

    @event("Opened")
    def __init__(self, organisation_id: str, user_id: str) -> None:
        self.organisation_id = organisation_id
        self.user_id = user_id
        self.lists: dict[str, list[str]] = {name: [] for name in LISTS}
        self.vip_numbers: list[str] = []

    def add(self, list_name: str, entry: str) -> None:
        self._check(list_name)
        if entry not in self.lists[list_name]:
            self._listed(list_name=list_name, entries=[*self.lists[list_name], entry])

    def remove(self, list_name: str, entry: str | None) -> None:
        """Remove one entry, or every entry when ``entry`` is None."""
        self._check(list_name)
        if entry is not None and entry not in self.lists[list_name]:
            raise NotFound(f"{entry!r} is not in your {list_name.replace('_', ' ')}")
        remaining = [] if entry is None else [e for e in self.lists[list_name] if e != entry]
        if remaining != self.lists[list_name]:
            self._listed(list_name=list_name, entries=remaining)

    @event("Listed")
    def _listed(self, list_name: str, entries: list[str]) -> None:
        self.lists = {**self.lists, list_name: list(entries)}

    def note_vip_numbers(self, numbers: list[str]) -> None:
        """Every number of every VIP (routing lets them through, §4.1.2)."""
        numbers = sorted(set(numbers))
        if numbers != self.vip_numbers:
            self._vips_changed(vip_numbers=numbers)

    @event("VipsChanged")
    def _vips_changed(self, vip_numbers: list[str]) -> None:
        self.vip_numbers = list(vip_numbers)

    @staticmethod
    def _check(list_name: str) -> None:
        if list_name not in LISTS:
            raise Invalid(f"the address book's lists are {', '.join(LISTS)}, not {list_name!r}")
