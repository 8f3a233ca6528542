"""Stored domain events → wire contracts (what the relay publishes).

Stored events and contracts evolve separately: a stored event can change shape
(``class_version`` and upcasters) without a new contract version, and the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from smartnumbers_contracts import Contract
from smartnumbers_contracts import presence as wire
from smartnumbers_kit.publishing import envelope

from smartnumbers_presence.application import PresenceApplication
from smartnumbers_presence.domain.user_presence import UserPresence


class PresenceContracts:
    """Callable for the relay: one domain event in, the contracts to publish out."""

    def __init__(self, app: PresenceApplication) -> None:
        self.app = app
        self._identities: dict[UUID, tuple[str, str]] = {}

    def __call__(self, event: Any) -> Sequence[Contract]:
        if not isinstance(event, UserPresence.Event):
            return []  # organisations and phone lines are presence's own business
        if isinstance(event, UserPresence.Enrolled):
            self._identities[event.originator_id] = (event.organisation_id, event.user_id)
            return []
        org, user_id = self._identity(event.originator_id)
        common = envelope(event, org) | {"user_id": user_id}
        match type(event).__name__:
            case "LocationSelected":
                return [
                    wire.LocationChanged(
                        **common,
                        location=event.location,
                        number=event.number,
                        previous_location=event.previous_location,
                        cause=event.cause,
                        displaced_by=event.displaced_by,
                    )
                ]
            case "NumbersChanged":
                return [wire.NumbersChanged(**common, numbers=wire.Numbers(**event.numbers))]
            case "AvailabilityChanged":
                return [
                    wire.AvailabilityChanged(
                        **common, availability=event.availability, delegate_id=event.delegate_id
                    )
                ]
            case "TeamAvailabilityChanged":
                return [
                    wire.TeamAvailabilityChanged(
                        **common, available_for_team_calls=event.available, active_in=event.active_in
                    )
                ]
            case "CallIntroductionChanged":
                return [wire.CallIntroductionChanged(**common, call_introduction=event.setting)]
            case "CallReportingChanged":
                return [
                    wire.CallReportingChanged(
                        **common, lost_calls=event.lost_calls, delegated_calls=event.delegated_calls
                    )
                ]
            case "CallManagerConnected":
                return [
                    wire.CallManagerConnected(
                        **common, session_id=event.session_id, connected_sessions=event.connected_sessions
                    )
                ]
            case "CallManagerDisconnected":
                return [
                    wire.CallManagerDisconnected(
                        **common,
                        session_id=event.session_id,
                        expired=event.expired,
                        connected_sessions=event.connected_sessions,
                    )
                ]
        return []

    def _identity(self, originator_id: UUID) -> tuple[str, str]:
        if originator_id not in self._identities:
            user = self.app.repository.get(originator_id)
            self._identities[originator_id] = (user.organisation_id, user.user_id)
        return self._identities[originator_id]
