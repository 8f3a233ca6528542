"""What presence knows of an organisation: the country its national numbers belong to."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class Organisation(Aggregate):
    @staticmethod
    def create_id(organisation_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:presence:organisation:{organisation_id}")

    @event("Configured")
    def __init__(self, organisation_id: str, name: str, default_country: str) -> None:
        self.organisation_id = organisation_id
        self.name = name
        self.default_country = default_country

    @event("Reconfigured")
    def reconfigure(self, name: str, default_country: str) -> None:
        self.name = name
        self.default_country = default_country
