"""Stored domain events → wire contracts (what the relay publishes).

Passwords, hashes, sign-in failures and sessions stay in the store: the only identity
event on the bus is the lock (for notify to alert later).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from smartnumbers_contracts import Contract, notify
from smartnumbers_contracts import directory as wire
from smartnumbers_directory.application import DirectoryApplication
from smartnumbers_directory.domain.address_book import AddressBook
from smartnumbers_directory.domain.contact import Contact
from smartnumbers_directory.domain.group import Group
from smartnumbers_directory.domain.organisation import Organisation
from smartnumbers_directory.domain.team import Team
from smartnumbers_directory.domain.user import User
from smartnumbers_kit.publishing import envelope


class DirectoryContracts:
    """Callable for the relay: one domain event in, the contracts to publish out."""

    def __init__(self, app: DirectoryApplication) -> None:
        self.app = app

    def __call__(self, event: Any) -> Sequence[Contract]:
        for kind, mapper in (
            (Organisation, self._organisation),
            (User, self._user),
            (Team, self._team),
            (Contact, self._contact),
            (AddressBook, self._address_book),
            (Group, self._group),
        ):
            if isinstance(event, kind.Event):
                return mapper(event, self._aggregate(event.originator_id))
        return []

    def _aggregate(self, originator_id: UUID) -> Any:
        return self.app.repository.get(originator_id)

    @staticmethod
    def _organisation(event: Any, org: Organisation) -> list[Contract]:
        if isinstance(event, Organisation.LocationPolicyChanged):
            return [wire.LocationPolicyChanged(**envelope(event, org.organisation_id), allowed=event.allowed)]
        return [
            wire.OrganisationConfigured(
                **envelope(event, org.organisation_id), name=event.name, default_country=event.default_country
            )
        ]

    @staticmethod
    def _user(event: Any, user: User) -> list[Contract]:
        common = envelope(event, user.organisation_id) | {"user_id": user.user_id}
        if isinstance(event, User.Created):
            profile = wire.UserProfile(**event.profile)
            return [
                wire.UserCreated(
                    **common,
                    display_name=profile.display_name,
                    smartnumber=profile.smartnumber,
                    profile=profile,
                )
            ]
        if isinstance(event, User.ProfileChanged):
            return [wire.UserUpdated(**common, profile=wire.UserProfile(**event.profile))]
        if isinstance(event, User.Removed):
            return [wire.UserRemoved(**common)]
        if isinstance(event, User.TeamsChanged):
            return [wire.UserTeamsChanged(**common, active_in=event.active_in)]
        if isinstance(event, User.Locked):
            return [wire.UserLocked(**common, failures=event.failures, locked_until=event.locked_until)]
        return []

    @staticmethod
    def _team(event: Any, team: Team) -> list[Contract]:
        common = envelope(event, team.organisation_id) | {"team_id": team.team_id}
        if isinstance(event, Team.Removed):
            return [wire.TeamRemoved(**common)]
        definition = wire.TeamDefinition(**event.definition)
        if isinstance(event, Team.Created):
            return [wire.TeamCreated(**common, team=definition)]
        return [wire.TeamUpdated(**common, team=definition)]

    @staticmethod
    def _contact(event: Any, contact: Contact) -> list[Contract]:
        common = envelope(event, contact.organisation_id) | {"contact_id": contact.contact_id}
        if isinstance(event, Contact.Removed):
            return [wire.ContactRemoved(**common)]
        d = event.details
        return [
            wire.ContactChanged(
                **common,
                owner_id=contact.owner_id,
                display_name=d["display_name"],
                numbers=wire.ContactNumbers(**d["numbers"]),
                viewable_by=d["viewable_by"],
            )
        ]

    @staticmethod
    def _address_book(event: Any, book: AddressBook) -> list[Contract]:
        if isinstance(event, AddressBook.VipsChanged):
            return [
                wire.VipsChanged(
                    **envelope(event, book.organisation_id),
                    user_id=book.user_id,
                    vip_numbers=event.vip_numbers,
                )
            ]
        return []

    @staticmethod
    def _group(event: Any, group: Group) -> list[Contract]:
        if not isinstance(event, Group.SmsRequested):
            return []
        common = envelope(event, group.organisation_id)
        return [
            notify.SendSms(
                **common, to=number, text=event.text, requested_by=event.requested_by, group_id=group.group_id
            )
            for number in event.recipients
        ]
