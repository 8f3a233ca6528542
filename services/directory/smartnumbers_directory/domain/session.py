"""A signed-in session: the refresh token (only its hash is kept) and whether it was revoked."""

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
    def __init__(self, digest: str, organisation_id: str, user_id: str, expires_at: str) -> None:
        self.organisation_id = organisation_id
        self.user_id = user_id
        self.expires_at = expires_at
        self.revoked = False

    def usable(self, now: datetime) -> bool:
        return not self.revoked and now < datetime.fromisoformat(self.expires_at)

    @event("Revoked")
    def revoke(self) -> None:
        self.revoked = True
