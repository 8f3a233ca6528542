"""Stored domain events → wire contracts (what the relay publishes).

Stored events and contracts evolve separately: a stored event can change shape
(``class_version`` and upcasters) without a new contract version, and the other way round.

Every stored event class is either in ``PUBLISHED`` (with the function that makes its
contracts) or in ``PRIVATE``; a test holds the two against the domain, so a new event
cannot be forgotten silently.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from smartnumbers_contracts import Contract, schedule
from smartnumbers_contracts import presence as wire
from smartnumbers_kit.publishing import envelope

from smartnumbers_presence.application import PresenceApplication
from smartnumbers_presence.domain.organisation import Organisation
from smartnumbers_presence.domain.phone_line import PhoneLine
from smartnumbers_presence.domain.user_presence import UserPresence

log = logging.getLogger(__name__)
Mapper = Callable[[Any, dict[str, Any]], list[Contract]]
"""(stored event, the contract's common fields) → contracts."""

PUBLISHED: dict[type, Mapper] = {
    UserPresence.LocationSelected: lambda e, common: [
        wire.LocationChanged(
            **common,
            location=e.location,
            number=e.number,
            previous_location=e.previous_location,
            cause=e.cause,
            displaced_by=e.displaced_by,
        )
    ],
    UserPresence.NumbersChanged: lambda e, common: [
        wire.NumbersChanged(**common, numbers=wire.Numbers(**e.numbers))
    ],
    UserPresence.AvailabilityChanged: lambda e, common: [
        wire.AvailabilityChanged(**common, availability=e.availability, delegate_id=e.delegate_id)
    ],
    UserPresence.TeamAvailabilityChanged: lambda e, common: [
        wire.TeamAvailabilityChanged(**common, available_for_team_calls=e.available, active_in=e.active_in)
    ],
    UserPresence.CallIntroductionChanged: lambda e, common: [
        wire.CallIntroductionChanged(**common, call_introduction=e.setting)
    ],
    UserPresence.CallReportingChanged: lambda e, common: [
        wire.CallReportingChanged(**common, lost_calls=e.lost_calls, delegated_calls=e.delegated_calls)
    ],
    UserPresence.RingSequenceChanged: lambda e, common: [
        wire.RingSequenceChanged(
            **common,
            steps=[wire.RingSequenceStep(numbers=s["numbers"], seconds=s["seconds"]) for s in e.steps],
        )
    ],
    UserPresence.ScheduleChanged: lambda e, common: [
        schedule.ScheduleChanged(
            **common, time_zone=e.time_zone, periods=[schedule.SchedulePeriod(**p) for p in e.periods]
        )
    ],
    UserPresence.ScheduleSwitched: lambda e, common: [
        schedule.ScheduleSwitched(
            **common,
            period_start=e.period_start,
            period=e.period,
            location=e.location,
            availability=e.availability,
            skipped=e.skipped,
        )
    ],
    UserPresence.CallManagerConnected: lambda e, common: [
        wire.CallManagerConnected(**common, session_id=e.session_id, connected_sessions=e.connected_sessions)
    ],
    UserPresence.CallManagerDisconnected: lambda e, common: [
        wire.CallManagerDisconnected(
            **common, session_id=e.session_id, expired=e.expired, connected_sessions=e.connected_sessions
        )
    ],
}

PRIVATE: frozenset[type] = frozenset(
    {
        # A user's enrolment, renaming, removal and return follow the directory's own events.
        UserPresence.Enrolled,
        UserPresence.Renamed,
        UserPresence.Removed,
        UserPresence.Reinstated,
        # Organisations (country, location policy) are the directory's; phone lines are how
        # presence finds whom hot-desking logs out.
        Organisation.Configured,
        Organisation.Reconfigured,
        Organisation.LocationPolicyChanged,
        PhoneLine.Opened,
        PhoneLine.Occupied,
        PhoneLine.Vacated,
    }
)


class PresenceContracts:
    """Callable for the relay: one domain event in, the contracts to publish out."""

    def __init__(self, app: PresenceApplication) -> None:
        self.app = app
        self._identities: dict[UUID, tuple[str, str]] = {}

    def __call__(self, event: Any) -> Sequence[Contract]:
        if isinstance(event, UserPresence.Enrolled):
            self._identities[event.originator_id] = (event.organisation_id, event.user_id)
        mapper = PUBLISHED.get(type(event))
        if mapper is None:
            if type(event) not in PRIVATE:
                log.error("no contract for the stored event %s: not published", type(event).__qualname__)
            return []
        org, user_id = self._identity(event.originator_id)
        return mapper(event, envelope(event, org) | {"user_id": user_id})

    def _identity(self, originator_id: UUID) -> tuple[str, str]:
        if originator_id not in self._identities:
            user = self.app.repository.get(originator_id)
            self._identities[originator_id] = (user.organisation_id, user.user_id)
        return self._identities[originator_id]
