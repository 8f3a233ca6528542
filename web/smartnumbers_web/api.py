"""Calls to the services on behalf of the signed-in browser, with its token (refreshed when due)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import httpx
from fastapi import Request
from smartnumbers_web.session import Session, current, replace
from smartnumbers_web.settings import WebSettings


class SignInRequired(Exception):
    """No session, or it cannot be refreshed any more: the browser goes to the sign-in page."""


class ApiError(Exception):
    """A service refused: ``detail`` is its message, shown on the page as it is."""

    def __init__(self, status: int, detail: str, code: str = "") -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code


def refusal(problems: Sequence[Any]) -> str:
    """FastAPI's validation errors as sentences naming the fields: "Desk is too long: at most 32
    characters." (a service's, or the web's own for a form)."""
    sentences = []
    for problem in problems:
        if not isinstance(problem, dict):
            sentences.append(str(problem))
            continue
        where = [str(part) for part in problem.get("loc", ()) if part not in ("body", "query", "path")]
        field = where[-1].replace("_", " ").capitalize() if where else "The request"
        limit = (problem.get("ctx") or {}).get("max_length")
        if problem.get("type") == "string_too_long" and limit is not None:
            sentences.append(f"{field} is too long: at most {limit} characters.")
        elif problem.get("type") == "too_long" and limit is not None:
            sentences.append(f"{field} has too many entries: at most {limit}.")
        else:
            sentences.append(f"{field}: {problem.get('msg', 'not valid')}.")
    return " ".join(sentences) or "That was not valid."


def error_of(response: httpx.Response) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, list):  # FastAPI validation errors
        detail = refusal(detail)
    code = body.get("error", "") if isinstance(body, dict) else ""
    return ApiError(response.status_code, str(detail or response.reason_phrase), str(code))


def session_from_tokens(tokens: dict[str, Any], base: Session) -> Session:
    return base.model_copy(
        update={
            "access_token": tokens["access_token"],
            "refresh_token": tokens.get("refresh_token") or base.refresh_token,
            "expires_at": time.time() + float(tokens.get("expires_in", 300)),
            "must_change_password": bool(tokens.get("must_change_password", False)),
        }
    )


class Api:
    """One request's view of the services: ``await api.get("presence", "/v1/users/me/presence")``."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.settings: WebSettings = request.app.state.settings
        self.http: httpx.AsyncClient = request.app.state.http

    def url(self, service: str, path: str) -> str:
        return self.settings.service_url(service) + path

    async def token(self) -> str:
        session = current(self.request)
        if not session.signed_in:
            raise SignInRequired
        if session.expires_soon(self.settings.refresh_margin_seconds):
            session = await self.refresh(session)
        assert session.access_token is not None
        return session.access_token

    async def refresh(self, session: Session) -> Session:
        if not session.refresh_token:
            replace(self.request, session.signed_out())
            raise SignInRequired
        r = await self.http.post(
            self.url("directory", "/v1/sessions/refresh"), json={"refresh_token": session.refresh_token}
        )
        if r.status_code != 200:
            replace(self.request, session.signed_out())
            raise SignInRequired
        session = session_from_tokens(r.json(), session)
        replace(self.request, session)
        return session

    async def call(self, method: str, service: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {await self.token()}", **kwargs.pop("headers", {})}
        r = await self.http.request(method, self.url(service, path), headers=headers, **kwargs)
        if r.status_code == 401:
            await self.refresh(current(self.request))
            headers["Authorization"] = f"Bearer {await self.token()}"
            r = await self.http.request(method, self.url(service, path), headers=headers, **kwargs)
            if r.status_code == 401:
                replace(self.request, current(self.request).signed_out())
                raise SignInRequired
        return r

    async def json(self, method: str, service: str, path: str, **kwargs: Any) -> Any:
        r = await self.call(method, service, path, **kwargs)
        if r.status_code >= 400:
            raise error_of(r)
        return r.json() if r.content else None

    async def get(self, service: str, path: str, **kwargs: Any) -> Any:
        return await self.json("GET", service, path, **kwargs)

    async def post(self, service: str, path: str, **kwargs: Any) -> Any:
        return await self.json("POST", service, path, **kwargs)

    async def put(self, service: str, path: str, **kwargs: Any) -> Any:
        return await self.json("PUT", service, path, **kwargs)

    async def patch(self, service: str, path: str, **kwargs: Any) -> Any:
        return await self.json("PATCH", service, path, **kwargs)

    async def delete(self, service: str, path: str, **kwargs: Any) -> Any:
        return await self.json("DELETE", service, path, **kwargs)
