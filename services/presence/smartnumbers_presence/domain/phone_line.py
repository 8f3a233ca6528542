"""Hot-desking (user guide §3.3): one number, at most one user logged on to it."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class PhoneLine(Aggregate):
    """A number some user has selected as their location, and who is on it now."""

    @staticmethod
    def create_id(organisation_id: str, number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:presence:line:{organisation_id}:{number}")

    @event("Opened")
    def __init__(self, organisation_id: str, number: str) -> None:
        self.organisation_id = organisation_id
        self.number = number
        self.occupant: str | None = None

    def log_on(self, user_id: str) -> str | None:
        """``user_id`` takes the line; returns whoever was on it before (to be logged out)."""
        previous = self.occupant
        if previous != user_id:
            self._occupied(user_id=user_id)
        return previous if previous != user_id else None

    def log_off(self, user_id: str) -> None:
        if self.occupant == user_id:
            self._vacated(user_id=user_id)

    @event("Occupied")
    def _occupied(self, user_id: str) -> None:
        self.occupant = user_id

    @event("Vacated")
    def _vacated(self, user_id: str) -> None:
        self.occupant = None
