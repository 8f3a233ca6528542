"""A signed-in session: the refresh token (only its hash is kept), whether it was revoked, and
which of the user's session generations it belongs to (a new password or signing out ends them)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def token_digest(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()


class Session(Aggregate):
    @staticmethod
    def create_id(digest: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:directory:session:{digest}")

    @event("Opened")
    def __init__(
        self, digest: str, organisation_id: str, user_id: str, expires_at: str, generation: int = 0
    ) -> None:
        self.organisation_id = organisation_id
        self.user_id = user_id
        self.expires_at = expires_at
        self.generation = generation
        """The user's ``session_generation`` when it opened: it ends when the user's moves on."""
        self.revoked = False

    def usable(self, now: datetime, user_generation: int) -> bool:
        return (
            not self.revoked
            and self.generation >= user_generation
            and now < datetime.fromisoformat(self.expires_at)
        )

    @event("Revoked")
    def revoke(self) -> None:
        self.revoked = True
