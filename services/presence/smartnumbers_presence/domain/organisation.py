"""What presence knows of an organisation: the country its national numbers belong to, and
the kinds of number its users may give as a location (the directory's policy)."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from smartnumbers_presence.domain.number_kinds import DEFAULT_ALLOWED


class Organisation(Aggregate):
    @staticmethod
    def create_id(organisation_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:presence:organisation:{organisation_id}")

    @event("Configured")
    def __init__(self, organisation_id: str, name: str, default_country: str) -> None:
        self.organisation_id = organisation_id
        self.name = name
        self.default_country = default_country
        self.location_number_kinds = list(DEFAULT_ALLOWED)

    @event("Reconfigured")
    def reconfigure(self, name: str, default_country: str) -> None:
        self.name = name
        self.default_country = default_country

    def set_location_policy(self, allowed: list[str]) -> None:
        if allowed != self.location_number_kinds:
            self._location_policy_changed(allowed=list(allowed))

    @event("LocationPolicyChanged")
    def _location_policy_changed(self, allowed: list[str]) -> None:
        self.location_number_kinds = list(allowed)
