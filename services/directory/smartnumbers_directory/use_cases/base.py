"""What every use case of the directory needs: loading aggregates, numbers, the read side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from smartnumbers_directory.domain.address_book import AddressBook
from smartnumbers_directory.domain.number_claim import NumberClaim
from smartnumbers_directory.domain.organisation import Organisation
from smartnumbers_directory.domain.password import Hasher
from smartnumbers_directory.domain.user import User
from smartnumbers_directory.domain.visibility import Reader, can_view
from smartnumbers_directory.projection import DirectoryProjection
from smartnumbers_directory.queries import Callee, DirectoryQueries
from smartnumbers_kit.dialable import to_e164
from smartnumbers_kit.errors import Forbidden, NotFound
from smartnumbers_kit.store import ServiceApplication

WRITERS = ("user", "admin")
"""Who may add contacts and groups and keep an address book (not the gateway, not a public token)."""


class DirectoryBase(ServiceApplication):
    name = "directory"

    def __init__(self, env: dict[str, str] | None = None, *, hasher: Hasher, read_side: bool = True) -> None:
        """``read_side=False`` (the admin CLI) skips replaying the store into memory."""
        super().__init__(env)
        self.hasher = hasher
        self.projection = DirectoryProjection(self)
        self.queries = DirectoryQueries(self.projection)
        if read_side:
            self.on_commit(self.projection.catch_up)
            self.projection.catch_up()

    # -- loading -------------------------------------------------------------------
    def _maybe(self, aggregate_id: UUID) -> Any | None:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None

    def organisation(self, organisation_id: str) -> Organisation:
        found = self._maybe(Organisation.create_id(organisation_id))
        if found is None:
            raise NotFound(f"there is no organisation {organisation_id!r}")
        return found

    def user(self, organisation_id: str, user_id: str) -> User:
        found = self._maybe(User.create_id(organisation_id, user_id))
        if found is None or found.removed:
            raise NotFound(f"there is no user {user_id!r} in your organisation")
        return found

    def _visible(self, aggregate_id: UUID, reader: Reader, what: str) -> Any:
        """A contact or group the reader may see; one they may not see does not exist for them."""
        found = self._maybe(aggregate_id)
        if found is None or found.removed or not can_view(found, reader):
            raise NotFound(f"there is no {what} that you may see")
        return found

    @staticmethod
    def _require_writer(reader: Reader, what: str) -> None:
        if reader.role not in WRITERS:
            raise Forbidden(f"only users of the organisation may {what}")

    # -- address books and their VIPs (§4.1.2) ----------------------------------------------
    def address_book(self, organisation_id: str, user_id: str) -> AddressBook:
        found = self._maybe(AddressBook.create_id(organisation_id, user_id))
        return found or AddressBook(organisation_id=organisation_id, user_id=user_id)

    def _numbers_of(self, reader: Reader, refs: list[str]) -> list[str]:
        entries = [self.queries.visible_entry(reader, ref) for ref in refs]
        return [n for e in entries if e is not None for n in e.numbers]

    def _refresh_vips(
        self, organisation_id: str, ref: str, numbers_for: Callable[[Reader], list[str]]
    ) -> list[AddressBook]:
        """A VIP's numbers changed (or it went): every address book holding it gets its new VIP
        numbers, ``numbers_for`` telling what each holder may see of the changed one."""
        with self.projection.lock:
            holders = sorted(self.projection.org(organisation_id).vip_holders.get(ref, ()))
        changed = []
        for user_id in holders:
            book = self.address_book(organisation_id, user_id)
            holder = Callee(user_id, organisation_id)
            others = [r for r in book.lists["vips"] if r != ref]
            book.note_vip_numbers(self._numbers_of(holder, others) + numbers_for(holder))
            changed.append(book)
        return changed

    # -- numbers -------------------------------------------------------------------
    def _e164(self, organisation_id: str, number: str | None, what: str) -> str | None:
        if number is None or not number.strip():
            return None
        return to_e164(number, self.organisation(organisation_id).default_country, what=what)

    def _claims(
        self,
        organisation_id: str,
        kind: str,
        holder_id: str,
        new: dict[str, str | None],
        old: dict[str, str | None],
    ) -> list[NumberClaim]:
        """Release the numbers no longer held, claim the new ones (409 when another holds one)."""
        changed: dict[str, NumberClaim] = {}
        for use, number in old.items():
            if number and new.get(use) != number:
                claim = self._maybe(NumberClaim.create_id(number))
                if claim is not None:
                    claim.release()
                    changed[number] = claim
        for use, number in new.items():
            if number:
                claim = (
                    changed.get(number)
                    or self._maybe(NumberClaim.create_id(number))
                    or NumberClaim(number=number)
                )
                claim.claim(organisation_id, kind, holder_id, use)
                changed[number] = claim
        return list(changed.values())

    def holder_of(self, number: str) -> dict[str, str] | None:
        claim = self._maybe(NumberClaim.create_id(number))
        return None if claim is None else claim.holder
