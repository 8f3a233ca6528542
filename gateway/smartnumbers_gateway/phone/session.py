"""One signed-in phone session: who, from which number, where in their messages and faxes,
and the owning services' APIs it acts through (as ``service``, for this user only)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from smartnumbers_contracts import Contract

from smartnumbers_gateway.clients.http import Requests
from smartnumbers_gateway.clients.service_tokens import ServiceTokens
from smartnumbers_gateway.phone.line import Line


class Refused(Exception):
    """A service said no (4xx): the person hears why not, nothing changed."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status


class Api:
    """One service's REST API, as ``service`` of one organisation."""

    def __init__(self, http: Requests, tokens: ServiceTokens, organisation_id: str) -> None:
        self.http, self.tokens, self.organisation_id = http, tokens, organisation_id

    async def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {
            "Authorization": f"Bearer {self.tokens.for_organisation(self.organisation_id)}",
            **kwargs.pop("headers", {}),
        }
        r = await self.http.request(method, path, headers=headers, **kwargs)
        if 400 <= r.status_code < 500:
            try:
                detail = r.json().get("detail") or r.text
            except ValueError:
                detail = r.text
            raise Refused(r.status_code, str(detail))
        r.raise_for_status()
        return r

    async def get(self, path: str, **kwargs: Any) -> Any:
        return (await self.call("GET", path, **kwargs)).json()

    async def put(self, path: str, body: dict[str, Any]) -> Any:
        return (await self.call("PUT", path, json=body)).json()

    async def patch(self, path: str, body: dict[str, Any]) -> Any:
        return (await self.call("PATCH", path, json=body)).json()


@dataclass
class Services:
    """What a phone session may reach; one per gateway, shared by every session."""

    directory: Requests
    presence: Requests
    mailbox: Requests
    tokens: ServiceTokens
    send_command: Callable[[Contract], Awaitable[None]]
    """Publishes a bus command (sending a fax: ``gateway.fax.deliver.v1``)."""
    dial_template: str = "PJSIP/{e164}@trunk"


@dataclass
class PhoneSession:
    line: Line
    services: Services
    organisation_id: str
    user_id: str
    calling_from: str | None
    """The number the person is calling from (E.164), when Asterisk knows it."""
    messages: list[dict[str, Any]] = field(default_factory=list)
    message_index: int = 0
    position: int = 0
    """Where in the current message playing resumes (samples)."""
    finished: bool = False
    introduced: bool = False
    """"Message n" was said for the current message."""
    rate: int = 8000
    """Samples per second of the current message (rewind and fast forward move 4 s)."""
    faxes: list[dict[str, Any]] = field(default_factory=list)
    fax_index: int = 0
    alert: str = ""
    """The message alert chosen in the Message alerts menu."""
    time_zone: str | None = None
    """The owner's, as the mailbox says (asked once, when a date is first said)."""

    def __post_init__(self) -> None:
        s, org = self.services, self.organisation_id
        self.directory = Api(s.directory, s.tokens, org)
        self.presence = Api(s.presence, s.tokens, org)
        self.mailbox = Api(s.mailbox, s.tokens, org)

    @property
    def my_mailbox(self) -> str:
        return f"/v1/mailboxes/users/{self.user_id}"

    @property
    def my_presence(self) -> str:
        return f"/v1/users/{self.user_id}"

    @property
    def message(self) -> dict[str, Any] | None:
        return self.messages[self.message_index] if 0 <= self.message_index < len(self.messages) else None

    @property
    def fax(self) -> dict[str, Any] | None:
        return self.faxes[self.fax_index] if 0 <= self.fax_index < len(self.faxes) else None
