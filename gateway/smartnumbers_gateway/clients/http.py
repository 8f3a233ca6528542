"""One service's REST API over the gateway's one shared ``httpx.AsyncClient`` (made in bootstrap).

``ServiceApi`` is the service's base URL with the shared client: paths are relative to
it, as they are with an ``httpx.AsyncClient(base_url=…)``, so callers (the phone menus'
``Api``) take either. A client made without a shared one opens its own (tests, tools)
and closes it with ``close()``; a shared client is closed by its owner only.
"""

from __future__ import annotations

from typing import Any, Protocol

import httpx
from smartnumbers_kit.errors import DomainError, NotFound


class Unavailable(DomainError):
    """Something the gateway needs (a service, the telephone system) cannot serve it just now."""

    status = 503
    code = "unavailable"


class Requests(Protocol):
    """What a service's API is used through: an ``httpx.AsyncClient`` with a base URL, or a ``ServiceApi``."""

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response: ...


class ServiceApi:
    def __init__(self, base_url: str, shared: httpx.AsyncClient | None = None, timeout: float = 3.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._own = shared is None
        self.client = shared if shared is not None else httpx.AsyncClient(timeout=timeout)

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return await self.client.request(method, self.base_url + url, **kwargs)

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("POST", url, **kwargs)

    async def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self.request("PUT", url, **kwargs)

    async def read_as(self, path: str, authorization: str, what: str) -> Any:
        """GET ``path`` as the person asking (their ``Authorization``); its JSON, or 503 naming ``what``."""
        r = await self.get(path, headers={"Authorization": authorization})
        if r.status_code == 404:  # nobody of that name in the organisation: the asker's mistake
            raise NotFound(f"{what} could not be read: there is no such user in your organisation")
        if r.status_code != 200:
            raise Unavailable(f"{what} could not be read (answered {r.status_code})")
        return r.json()

    async def aclose(self) -> None:
        if self._own:
            await self.client.aclose()
