"""Every contract on the bus, by subject."""

from __future__ import annotations

from smartnumbers_contracts import directory, notify, presence
from smartnumbers_contracts.base import Contract

CATALOGUE: dict[str, type[Contract]] = {
    c.subject: c
    for c in (
        presence.LocationChanged,
        presence.AvailabilityChanged,
        presence.TeamAvailabilityChanged,
        presence.NumbersChanged,
        presence.CallManagerConnected,
        presence.CallManagerDisconnected,
        directory.OrganisationConfigured,
        directory.UserCreated,
        directory.UserUpdated,
        directory.UserRemoved,
        directory.UserTeamsChanged,
        directory.UserLocked,
        directory.TeamCreated,
        directory.TeamUpdated,
        directory.TeamRemoved,
        directory.VipsChanged,
        directory.ContactChanged,
        directory.ContactRemoved,
        notify.SendSms,
    )
}


def contract_for_subject(subject: str) -> type[Contract]:
    try:
        return CATALOGUE[subject]
    except KeyError:
        raise LookupError(f"no contract is published on {subject!r}") from None
