"""The browser's session: one HttpOnly, SameSite=Strict cookie, sealed with Fernet.

It holds the directory's tokens, so the browser never sees them (no token in
``localStorage``, none readable by scripts). A state-changing request must carry the
session's CSRF token, in the ``X-CSRF-Token`` header (htmx, fetch) or the ``csrf_token``
form field.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from fastapi import Request
from pydantic import BaseModel, Field, ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "sn_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Session(BaseModel):
    csrf: str = Field(default_factory=lambda: secrets.token_urlsafe(24))
    access_token: str | None = None
    refresh_token: str | None = None
    expires_at: float = 0
    user_id: str | None = None
    organisation_id: str | None = None
    role: str | None = None
    display_name: str | None = None
    must_change_password: bool = False

    @property
    def signed_in(self) -> bool:
        return self.access_token is not None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def expires_soon(self, margin: float) -> bool:
        return time.time() + margin >= self.expires_at

    def signed_out(self) -> Session:
        return Session()


class SessionCodec:
    def __init__(self, key: str, *, secure: bool) -> None:
        self._fernet = Fernet(key.encode() if key else Fernet.generate_key())
        self.secure = secure

    def seal(self, session: Session) -> str:
        return self._fernet.encrypt(session.model_dump_json().encode()).decode()

    def open(self, sealed: str | None) -> Session | None:
        if not sealed:
            return None
        try:
            return Session.model_validate_json(self._fernet.decrypt(sealed.encode()))
        except (InvalidToken, ValidationError, ValueError):
            return None

    def cookie_header(self, session: Session) -> bytes:
        parts = [f"{COOKIE}={self.seal(session)}", "Path=/", "HttpOnly", "SameSite=Strict"]
        if self.secure:
            parts.append("Secure")
        return "; ".join(parts).encode()


def current(request: Request) -> Session:
    """The request's session (made by ``SessionMiddleware``)."""
    session: Session = request.state.session
    return session


def replace(request: Request, session: Session) -> None:
    """Keep ``session`` for this browser: the response sets the cookie."""
    request.state.session = session
    request.state.session_changed = True


class SessionMiddleware:
    """Opens the cookie into ``request.state.session``; writes it back when it changed.

    Pure ASGI (not ``BaseHTTPMiddleware``) so streamed responses (SSE) pass untouched.
    """

    def __init__(self, app: ASGIApp, codec: SessionCodec) -> None:
        self.app = app
        self.codec = codec

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        state: dict[str, Any] = scope.setdefault("state", {})
        session = self.codec.open(request.cookies.get(COOKIE))
        state["session"] = session or Session()
        state["session_changed"] = session is None

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and state.get("session_changed"):
                headers = list(message.get("headers", []))
                headers.append((b"set-cookie", self.codec.cookie_header(state["session"])))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def csrf_ok(request: Request) -> bool:
    if request.method in SAFE_METHODS:
        return True
    expected = current(request).csrf
    given = request.headers.get("x-csrf-token")
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = str((await request.form()).get("csrf_token", ""))
    return bool(given) and secrets.compare_digest(given or "", expected)
