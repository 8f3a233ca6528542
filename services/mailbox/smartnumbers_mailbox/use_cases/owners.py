"""What the directory and presence tell the mailbox: owners, their numbers (bus handlers)."""

from __future__ import annotations

from typing import Any

from eventsourcing.application import AggregateNotFoundError
from smartnumbers_kit.errors import NotFound

from smartnumbers_mailbox.domain.caller_numbers import NumberHolders
from smartnumbers_mailbox.domain.mailbox import Mailbox
from smartnumbers_mailbox.use_cases.base import Address, MailboxBase


class Owners(MailboxBase):
    # -- what the directory and presence tell us (bus handlers return what they changed) ---------
    def owner_known(self, organisation_id: str, address: Address, **changes: Any) -> list[Any]:
        """A user or team exists (created or updated): open its mailbox or bring it up to date."""
        try:
            mailbox = self.repository.get(Mailbox.create_id(organisation_id, *address))
            before = mailbox.calling_numbers
        except AggregateNotFoundError:
            mailbox = Mailbox(
                organisation_id=organisation_id,
                owner_kind=address[0],
                owner_id=address[1],
                profile=changes.pop("profile", {}),
            )
            before = set()
        mailbox.update(**changes)
        return [mailbox, *self._reindexed(mailbox, before)]

    def user_removed(self, organisation_id: str, user_id: str) -> list[Any]:
        """The directory removed a user: the mailbox closes and their numbers are nobody's."""
        try:
            mailbox = self.mailbox(organisation_id, ("user", user_id))
        except NotFound:
            return []
        before = mailbox.calling_numbers
        mailbox.close()
        return [mailbox, *self._reindexed(mailbox, before)]

    def _reindexed(self, mailbox: Mailbox, before: set[str]) -> list[NumberHolders]:
        """The number index after a user's calling numbers went from ``before`` to now."""
        after = mailbox.calling_numbers
        changed = []
        for number in sorted(before ^ after):
            number_id = NumberHolders.create_id(mailbox.organisation_id, number)
            try:
                holders = self.repository.get(number_id)
            except AggregateNotFoundError:
                holders = NumberHolders(organisation_id=mailbox.organisation_id, number=number)
            if number in after:
                holders.claim(mailbox.owner_id)
            else:
                holders.release(mailbox.owner_id)
            changed.append(holders)
        return changed

    def fax_numbers_known(
        self,
        organisation_id: str,
        user_id: str,
        numbers: dict[str, str | None],
        phone_numbers: dict[str, str | None] | None = None,
    ) -> list[Any]:
        """Presence's fax numbers (and desk, mobile, home); they may arrive before the
        directory's user (another stream)."""
        try:
            mailbox = self.repository.get(Mailbox.create_id(organisation_id, "user", user_id))
        except AggregateNotFoundError:
            mailbox = Mailbox(
                organisation_id=organisation_id,
                owner_kind="user",
                owner_id=user_id,
                profile={"display_name": user_id},
            )
        if mailbox.closed:
            return []
        before = mailbox.calling_numbers
        mailbox.update(fax_numbers=numbers)
        if phone_numbers is not None:
            mailbox.know_phone_numbers(phone_numbers)
        return [mailbox, *self._reindexed(mailbox, before)]
