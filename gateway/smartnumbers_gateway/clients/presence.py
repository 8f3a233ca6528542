"""What the gateway asks of presence, as the person asking (with their own token, or a
``service`` token of their organisation): where a user is now, and their delegate."""

from __future__ import annotations

from typing import Any

import httpx

from smartnumbers_gateway.clients.http import ServiceApi


class PresenceClient:
    def __init__(self, base_url: str, shared: httpx.AsyncClient | None = None, timeout: float = 3.0) -> None:
        self.http = ServiceApi(base_url, shared, timeout)

    async def presence_of(self, user: str, authorization: str, whose: str) -> dict[str, Any]:
        """``user``'s presence (``me`` for the person asking); 503 naming ``whose`` when unreadable."""
        presence: dict[str, Any] = await self.http.read_as(
            f"/v1/users/{user}/presence", authorization, f"{whose} presence"
        )
        return presence

    async def close(self) -> None:
        await self.http.aclose()
