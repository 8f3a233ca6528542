"""Smartnumbers and mailbox numbers are unique across the platform: one claim per number.

A claim is saved in the same transaction as the user or team that holds the number, so
two administrators taking the same number at once cannot both succeed (the second save
conflicts, runs again, and finds the number taken).
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from smartnumbers_kit.errors import Conflict


class NumberClaim(Aggregate):
    @staticmethod
    def create_id(number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:directory:number:{number}")

    @event("Opened")
    def __init__(self, number: str) -> None:
        self.number = number
        self.holder: dict[str, str] | None = None

    def claim(self, organisation_id: str, kind: str, holder_id: str, use: str) -> None:
        """``kind`` is user or team; ``use`` is smartnumber or mailbox_number."""
        holder = {"organisation_id": organisation_id, "kind": kind, "id": holder_id, "use": use}
        if self.holder == holder:
            return
        if self.holder is not None:
            raise Conflict(f"the number {self.number} is already in use on this platform")
        self._claimed(holder=holder)

    def release(self) -> None:
        if self.holder is not None:
            self._released()

    @event("Claimed")
    def _claimed(self, holder: dict[str, str]) -> None:
        self.holder = dict(holder)

    @event("Released")
    def _released(self) -> None:
        self.holder = None
