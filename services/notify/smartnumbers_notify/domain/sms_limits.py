"""SMS rate limits per user and per organisation, over a sliding minute (``now`` passed in)."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=1)


class SmsLimits:
    def __init__(self, per_user: int, per_organisation: int) -> None:
        self.per_user = per_user
        self.per_organisation = per_organisation
        self._sent: dict[str, deque[datetime]] = {}

    def refusal(self, organisation_id: str, user_id: str | None, now: datetime) -> str | None:
        """Counts one SMS and returns None, or says why it is refused (nothing counted)."""
        org_key, user_key = f"org:{organisation_id}", f"user:{organisation_id}/{user_id}"
        org, user = self._window(org_key, now), self._window(user_key, now)
        if len(org) >= self.per_organisation:
            return (
                f"refused: the organisation already sent {self.per_organisation} SMS in the last minute "
                "(its limit); try again later"
            )
        if user_id is not None and len(user) >= self.per_user:
            return (
                f"refused: {user_id} already sent {self.per_user} SMS in the last minute (the limit per user)"
            )
        org.append(now)
        if user_id is not None:
            user.append(now)
        return None

    def _window(self, key: str, now: datetime) -> deque[datetime]:
        window = self._sent.setdefault(key, deque())
        while window and window[0] <= now - WINDOW:
            window.popleft()
        return window
