"""Contacts (§4.1, §4.2) and each user's address book: Phone Book, VIPs, Call List (§4.1.2, §7.4.2)."""

from __future__ import annotations

import uuid
from typing import Any

from smartnumbers_directory.domain.contact import NUMBER_KINDS, Contact
from smartnumbers_directory.domain.visibility import Reader, can_edit, can_view, check_settings_kept
from smartnumbers_directory.search_index import Entry
from smartnumbers_directory.use_cases.base import DirectoryBase
from smartnumbers_kit.errors import Forbidden, Invalid, NotFound


class Contacts(DirectoryBase):
    def contact(self, reader: Reader, contact_id: str) -> Contact:
        return self._visible(
            Contact.create_id(reader.organisation_id, contact_id), reader, f"contact {contact_id!r}"
        )

    def add_contact(self, reader: Reader, details: dict[str, Any]) -> str:
        self._require_writer(reader, "add contacts")
        contact_id = uuid.uuid4().hex[:16]
        details = self._numbers(reader.organisation_id, details)
        self.save(Contact.add(reader.organisation_id, contact_id, reader.user_id, details))
        return contact_id

    def change_contact(self, reader: Reader, contact_id: str, details: dict[str, Any]) -> None:
        details = self._numbers(reader.organisation_id, details)

        def command() -> list[Any]:
            contact = self._editable_contact(reader, contact_id)
            check_settings_kept(contact, reader, details, "contact")
            contact.change(details)
            return [
                contact,
                *self._refresh_vips(
                    reader.organisation_id,
                    f"contact:{contact_id}",
                    lambda holder: _numbers_for(contact, holder),
                ),
            ]

        self.run_command(command, key=f"{reader.organisation_id}/contact/{contact_id}")

    def remove_contact(self, reader: Reader, contact_id: str) -> None:
        def command() -> list[Any]:
            contact = self._editable_contact(reader, contact_id)
            contact.remove()
            return [
                contact,
                *self._refresh_vips(
                    reader.organisation_id,
                    f"contact:{contact_id}",
                    lambda holder: _numbers_for(contact, holder),
                ),
            ]

        self.run_command(command, key=f"{reader.organisation_id}/contact/{contact_id}")

    def _editable_contact(self, reader: Reader, contact_id: str) -> Contact:
        contact = self.contact(reader, contact_id)
        if not can_edit(contact, reader):
            raise Forbidden(f"you may see this contact but not edit it (editable by {contact.editable_by})")
        return contact

    def _numbers(self, organisation_id: str, details: dict[str, Any]) -> dict[str, Any]:
        numbers = details.get("numbers") or {}
        normalised = {
            kind: [
                self._e164(organisation_id, n, f"{kind} number") for n in numbers.get(kind, []) if n.strip()
            ]
            for kind in NUMBER_KINDS
            if kind in numbers
        }
        unknown = set(numbers) - set(NUMBER_KINDS)
        if unknown:
            raise Invalid(
                f"a contact's numbers are {', '.join(NUMBER_KINDS)}, not {', '.join(sorted(unknown))}"
            )
        return {**details, "numbers": normalised}

    # -- the address book ---------------------------------------------------------------
    def add_to_list(self, reader: Reader, list_name: str, entry: str) -> None:
        if self.queries.visible_entry(reader, entry) is None:
            raise NotFound(f"there is no {entry!r} that you may see (entries are user:<id> or contact:<id>)")
        self._change_book(reader, lambda book: book.add(list_name, entry))

    def remove_from_list(self, reader: Reader, list_name: str, entry: str | None) -> None:
        self._change_book(reader, lambda book: book.remove(list_name, entry))

    def _change_book(self, reader: Reader, change: Any) -> None:
        self._require_writer(reader, "keep an address book")

        def command() -> list[Any]:
            book = self.address_book(reader.organisation_id, reader.user_id)
            change(book)
            book.note_vip_numbers(self._numbers_of(reader, book.lists["vips"]))
            return [book]

        self.run_command(command, key=f"{reader.organisation_id}/{reader.user_id}/address-book")

    def visible_contacts(self, reader: Reader) -> list[Entry]:
        return sorted(
            (
                e
                for e in self.projection.entries(reader.organisation_id)
                if e.kind == "contact" and can_view(e, reader)
            ),
            key=lambda e: e.display_name,
        )


def _numbers_for(contact: Contact, holder: Reader) -> list[str]:
    return contact.all_numbers() if not contact.removed and can_view(contact, holder) else []
