"""What the directory shows of a user's presence, as presence's events tell it (§4.3, §7.4)."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class LivePresence(Aggregate):
    @staticmethod
    def create_id(organisation_id: str, user_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:directory:presence:{organisation_id}:{user_id}")

    @event("Seen")
    def __init__(self, organisation_id: str, user_id: str) -> None:
        self.organisation_id = organisation_id
        self.user_id = user_id
        self.location = "none"
        self.availability = "available"

    @event("LocationSeen")
    def located(self, location: str) -> None:
        self.location = location

    @event("AvailabilitySeen")
    def available(self, availability: str) -> None:
        self.availability = availability
