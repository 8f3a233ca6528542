"""Sign in with smartnumber or mailbox number and password; the forced first change (§2, §3.1, §3.2)."""

from __future__ import annotations

import base64
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from smartnumbers_web.api import ApiError, error_of, session_from_tokens
from smartnumbers_web.bounds import Number, Password
from smartnumbers_web.deps import ApiClient, Csrf, Prefs, render
from smartnumbers_web.preferences import forget, keep, of_user
from smartnumbers_web.session import Session, current, replace

router = APIRouter(include_in_schema=False)

PASSWORD_ADVICE = [
    "Choose a code which is hard to guess.",
    "Do not choose a combination of digits from your smartnumbers service.",
    "Do not share this code with other services.",
    "Your new password cannot begin with zero.",
]


def _claims(token: str) -> dict[str, Any]:
    """The token's claims, read for display only (the services verify every token)."""
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


def signed_in_session(tokens: dict[str, Any], base: Session) -> Session:
    claims = _claims(tokens["access_token"])
    return session_from_tokens(tokens, base).model_copy(
        update={
            "user_id": claims.get("sub"),
            "organisation_id": claims.get("org"),
            "role": claims.get("role"),
        }
    )


@router.get("/")
async def home(request: Request, prefs: Prefs) -> Response:
    session = current(request)
    if not session.signed_in:
        return RedirectResponse("/signin", 303)
    if session.must_change_password:
        return RedirectResponse("/password", 303)
    return RedirectResponse(f"/{prefs.startup_page}", 303)


@router.get("/signin")
async def sign_in_page(request: Request) -> Response:
    return render(request, "signin.html")


@router.post("/signin")
async def sign_in(
    request: Request,
    _: Csrf,
    api: ApiClient,
    number: Number = "",
    password: Password = "",
) -> Response:
    if not number.strip() or not password:
        return render(
            request,
            "signin.html",
            error="Enter your number and your password.",
            number=number,
            status_code=422,
        )
    r = await api.http.post(
        api.url("directory", "/v1/sessions"), json={"number": number, "password": password}
    )
    if r.status_code != 200:
        error = error_of(r)
        message = error.detail if error.code == "locked" else _sign_in_refused(error)
        return render(request, "signin.html", error=message, number=number, status_code=error.status)
    session = signed_in_session(r.json(), current(request))
    replace(request, session)
    if session.must_change_password:
        return RedirectResponse("/password", 303)
    await _remember_name(request, api)
    return await _with_preferences(request, api, RedirectResponse("/", 303))


def _sign_in_refused(error: ApiError) -> str:
    if error.status in (401, 404):
        return "The number or password is not right. Five wrong passwords in a row lock the account."
    return error.detail


async def _with_preferences(request: Request, api: ApiClient, response: Response) -> Response:
    """The user's own preferences (§6), from the directory, for this browser's pages."""
    prefs = await of_user(api)
    if prefs is not None:
        keep(response, prefs, secure=request.app.state.settings.secure_cookies)
    return response


async def _remember_name(request: Request, api: ApiClient) -> None:
    try:
        me = await api.get("directory", "/v1/users/me")
    except ApiError:
        return
    profile = me.get("profile", {})
    replace(request, current(request).model_copy(update={"display_name": profile.get("display_name")}))


@router.get("/password")
async def password_page(request: Request) -> Response:
    session = current(request)
    if not session.signed_in:
        return RedirectResponse("/signin", 303)
    return render(request, "password.html", advice=PASSWORD_ADVICE, forced=session.must_change_password)


@router.post("/password")
async def change_password(
    request: Request,
    _: Csrf,
    api: ApiClient,
    old_password: Password = "",
    new_password: Password = "",
    confirm_password: Password = "",
) -> Response:
    session = current(request)
    if not session.signed_in:
        return RedirectResponse("/signin", 303)
    forced = session.must_change_password
    try:
        tokens = await api.put(
            "directory",
            "/v1/users/me/password",
            json={
                "old_password": old_password,
                "new_password": new_password,
                "confirm_password": confirm_password,
            },
        )
    except ApiError as error:
        return render(
            request,
            "password.html",
            advice=PASSWORD_ADVICE,
            forced=forced,
            error=error.detail,
            status_code=error.status,
        )
    replace(request, signed_in_session(tokens, current(request)))
    await _remember_name(request, api)
    if forced:
        return await _with_preferences(request, api, RedirectResponse("/", 303))
    return render(
        request, "password.html", advice=PASSWORD_ADVICE, forced=False, done=True, active="security"
    )


@router.post("/signout")
async def sign_out(request: Request, _: Csrf, api: ApiClient) -> Response:
    session = current(request)
    if session.refresh_token and session.access_token:
        await api.http.post(
            api.url("directory", "/v1/sessions/logout"),
            json={"refresh_token": session.refresh_token},
            headers={"Authorization": f"Bearer {session.access_token}"},
        )
    replace(request, session.signed_out())
    response = RedirectResponse("/signin", 303)
    forget(response)  # the next person on this browser gets their own
    return response
