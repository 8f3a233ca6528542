"""What the gateway asks of the directory: is this PIN right? (as ``service``; shares the lockout);
who is this user (as the person asking)."""

from __future__ import annotations

from typing import Any

import httpx

from smartnumbers_gateway.clients.http import ServiceApi
from smartnumbers_gateway.clients.service_tokens import ServiceTokens


class DirectoryClient:
    def __init__(
        self,
        base_url: str,
        tokens: ServiceTokens,
        timeout: float = 3.0,
        shared: httpx.AsyncClient | None = None,
    ) -> None:
        self.http = ServiceApi(base_url, shared, timeout)
        self.tokens = tokens

    async def pin_is_right(self, organisation_id: str, user_id: str, pin: str) -> bool:
        """False for a wrong PIN, and while the account is locked (five wrong in a row)."""
        return await self.pin_check(organisation_id, user_id, pin) is True

    async def pin_check(self, organisation_id: str, user_id: str, pin: str) -> bool | None:
        """True: right. False: wrong (it counts towards the lockout). None: the account is locked."""
        r = await self.http.post(
            "/v1/service/pin-checks",
            json={"user_id": user_id, "pin": pin},
            headers={"Authorization": f"Bearer {self.tokens.for_organisation(organisation_id)}"},
        )
        if r.status_code == 423:
            return None
        if r.status_code in (401, 404, 422):
            return False
        r.raise_for_status()
        return bool(r.json()["valid"])

    async def user_as(self, user_id: str, authorization: str) -> dict[str, Any]:
        """A user as the person asking sees them (their own ``Authorization``); 503 when unreadable."""
        user: dict[str, Any] = await self.http.read_as(
            f"/v1/users/{user_id}", authorization, f"user {user_id!r}"
        )
        return user

    async def close(self) -> None:
        await self.http.aclose()
