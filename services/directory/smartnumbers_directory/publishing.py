"""Stored domain events → wire contracts (what the relay publishes).

Passwords, hashes, sign-in failures and refresh tokens stay in the store. The identity
events on the bus are the lock (for notify to alert later) and the end of a user's
sessions (a new password, a reset, signing out): every service then refuses the user's
access tokens issued before it (``smartnumbers_kit.revocation``).

Every stored event class is either in ``PUBLISHED`` (with the function that makes its
contracts from the event and its aggregate) or in ``PRIVATE``; a test holds the two
against the domain, so a new event cannot be forgotten silently.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from smartnumbers_contracts import Contract, notify, schedule
from smartnumbers_contracts import directory as wire
from smartnumbers_directory.application import DirectoryApplication
from smartnumbers_directory.domain.address_book import AddressBook
from smartnumbers_directory.domain.contact import Contact
from smartnumbers_directory.domain.group import Group
from smartnumbers_directory.domain.live_presence import LivePresence
from smartnumbers_directory.domain.number_claim import NumberClaim
from smartnumbers_directory.domain.organisation import Organisation
from smartnumbers_directory.domain.session import Session
from smartnumbers_directory.domain.team import Team
from smartnumbers_directory.domain.user import User
from smartnumbers_kit.publishing import envelope

log = logging.getLogger(__name__)
Mapper = Callable[[Any, Any], list[Contract]]
"""(stored event, its aggregate as it is now) → contracts."""


def _organisation_configured(event: Any, org: Organisation) -> list[Contract]:
    return [
        wire.OrganisationConfigured(
            **envelope(event, org.organisation_id), name=event.name, default_country=event.default_country
        )
    ]


def _location_policy_changed(event: Any, org: Organisation) -> list[Contract]:
    return [wire.LocationPolicyChanged(**envelope(event, org.organisation_id), allowed=event.allowed)]


def _for_user(event: Any, user: User) -> dict[str, Any]:
    return envelope(event, user.organisation_id) | {"user_id": user.user_id}


def _user_created(event: Any, user: User) -> list[Contract]:
    profile = wire.UserProfile(**event.profile)
    return [
        wire.UserCreated(
            **_for_user(event, user),
            display_name=profile.display_name,
            smartnumber=profile.smartnumber,
            profile=profile,
        )
    ]


def _for_team(event: Any, team: Team) -> dict[str, Any]:
    return envelope(event, team.organisation_id) | {"team_id": team.team_id}


def _contact_changed(event: Any, contact: Contact) -> list[Contract]:
    d = event.details
    return [
        wire.ContactChanged(
            **envelope(event, contact.organisation_id),
            contact_id=contact.contact_id,
            owner_id=contact.owner_id,
            display_name=d["display_name"],
            numbers=wire.ContactNumbers(**d["numbers"]),
            viewable_by=d["viewable_by"],
        )
    ]


def _sms_requested(event: Any, group: Group) -> list[Contract]:
    common = envelope(event, group.organisation_id)
    return [
        notify.SendSms(
            **common, to=number, text=event.text, requested_by=event.requested_by, group_id=group.group_id
        )
        for number in event.recipients
    ]


PUBLISHED: dict[type, Mapper] = {
    Organisation.Configured: _organisation_configured,
    Organisation.Reconfigured: _organisation_configured,
    Organisation.LocationPolicyChanged: _location_policy_changed,
    Organisation.OpeningHoursChanged: lambda e, org: [
        schedule.OpeningHoursChanged(
            **envelope(e, org.organisation_id),
            time_zone=e.time_zone,
            hours=e.hours,
            holidays=e.holidays,
            overflow=e.overflow,
        )
    ],
    User.Created: _user_created,
    User.ProfileChanged: lambda e, user: [
        wire.UserUpdated(**_for_user(e, user), profile=wire.UserProfile(**e.profile))
    ],
    User.Removed: lambda e, user: [wire.UserRemoved(**_for_user(e, user))],
    User.TeamsChanged: lambda e, user: [wire.UserTeamsChanged(**_for_user(e, user), active_in=e.active_in)],
    User.SessionsEnded: lambda e, user: [
        wire.UserSessionsEnded(**_for_user(e, user), ended_at=e.timestamp, reason=e.reason)
    ],
    User.Locked: lambda e, user: [
        wire.UserLocked(**_for_user(e, user), failures=e.failures, locked_until=e.locked_until)
    ],
    Team.Created: lambda e, team: [
        wire.TeamCreated(**_for_team(e, team), team=wire.TeamDefinition(**e.definition))
    ],
    Team.Updated: lambda e, team: [
        wire.TeamUpdated(**_for_team(e, team), team=wire.TeamDefinition(**e.definition))
    ],
    Team.Removed: lambda e, team: [wire.TeamRemoved(**_for_team(e, team))],
    Contact.Added: _contact_changed,
    Contact.Changed: _contact_changed,
    Contact.Removed: lambda e, contact: [
        wire.ContactRemoved(**envelope(e, contact.organisation_id), contact_id=contact.contact_id)
    ],
    AddressBook.VipsChanged: lambda e, book: [
        wire.VipsChanged(**envelope(e, book.organisation_id), user_id=book.user_id, vip_numbers=e.vip_numbers)
    ],
    Group.SmsRequested: _sms_requested,
}

PRIVATE: frozenset[type] = frozenset(
    {
        # Secrets and sign-in stay in the store (a user's role is in their tokens).
        User.RoleChanged,
        User.PasswordChanged,
        User.SignInFailed,
        User.SignedIn,
        # The Web Services preferences (§6) are the web's, read through the API.
        User.WebPreferencesChosen,
        Session.Opened,
        Session.Revoked,
        # Number claims keep numbers unique; live presence is what the directory heard from
        # presence (for search results).
        NumberClaim.Opened,
        NumberClaim.Claimed,
        NumberClaim.Released,
        LivePresence.Seen,
        LivePresence.LocationSeen,
        LivePresence.AvailabilitySeen,
        # A user's address book opening and listing, and groups, are read through the API.
        AddressBook.Opened,
        AddressBook.Listed,
        Group.Created,
        Group.Changed,
        Group.Removed,
    }
)


class DirectoryContracts:
    """Callable for the relay: one domain event in, the contracts to publish out."""

    def __init__(self, app: DirectoryApplication) -> None:
        self.app = app

    def __call__(self, event: Any) -> Sequence[Contract]:
        mapper = PUBLISHED.get(type(event))
        if mapper is None:
            if type(event) not in PRIVATE:
                log.error("no contract for the stored event %s: not published", type(event).__qualname__)
            return []
        return mapper(event, self.app.repository.get(event.originator_id))
