"""Who still needs a stored recording or fax image: the file goes when nobody does."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class Blob(Aggregate):
    """References to one content-addressed blob (``holder`` = ``org/kind/owner/item``)."""

    @staticmethod
    def create_id(sha256: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:mailbox:blob:{sha256}")

    @event("Stored")
    def __init__(self, sha256: str, size: int) -> None:
        self.sha256 = sha256
        self.size = size
        self.holders: list[str] = []

    def hold(self, holders: list[str]) -> None:
        existing = set(self.holders)
        new = [h for h in dict.fromkeys(holders) if h not in existing]
        if new:
            self._held(holders=new)

    def release(self, holders: list[str]) -> None:
        existing = set(self.holders)
        gone = [h for h in dict.fromkeys(holders) if h in existing]
        if gone:
            self._released(holders=gone)

    @property
    def unreferenced(self) -> bool:
        return not self.holders

    @event("Held")
    def _held(self, holders: list[str]) -> None:
        self.holders = [*self.holders, *holders]

    @event("Released")
    def _released(self, holders: list[str]) -> None:
        gone = set(holders)
        self.holders = [h for h in self.holders if h not in gone]
