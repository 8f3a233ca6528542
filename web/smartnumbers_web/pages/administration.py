"""Administration (administrators only): organisation settings, users (create, reset password,
delete), teams and queues with their members and distribution."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from smartnumbers_web.api import ApiError
from smartnumbers_web.bounds import Email, Id, Members, Name, Number, Password, PersonName
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from smartnumbers_web.session import Session

router = APIRouter(include_in_schema=False)
STRATEGIES = {"all_at_once": "All at once", "in_order": "In order", "round_robin": "Round robin"}


async def _listed(api: ApiClient, path: str) -> list[dict[str, Any]] | None:
    """The directory's list of users or teams, where it has one (None: not offered)."""
    r = await api.call("GET", "directory", path)
    if r.status_code in (404, 405):
        return None
    if r.status_code >= 400:
        return None
    body = r.json()
    items = body.get("items", []) if isinstance(body, dict) else body
    return items if isinstance(items, list) else None


async def _page(request: Request, api: ApiClient, session: Session, **context: Any) -> Response:
    if not session.is_admin:
        return render(
            request, "error.html", message="Administration is for administrators only.", status_code=403
        )
    return render(
        request,
        "administration.html",
        active="administration",
        organisation=await api.get("directory", "/v1/organisation"),
        users=await _listed(api, "/v1/users"),
        teams=await _listed(api, "/v1/teams"),
        strategies=STRATEGIES,
        **context,
    )


async def _do(
    request: Request, api: ApiClient, session: Session, done: str, *call: Any, **kw: Any
) -> Response:
    if not session.is_admin:
        return await _page(request, api, session)
    try:
        await api.json(*call, **kw)
    except ApiError as error:
        return await _page(request, api, session, error=error.detail, status_code=error.status)
    return await _page(request, api, session, saved=done)


@router.get("/administration")
async def administration(request: Request, session: SignedIn, api: ApiClient) -> Response:
    return await _page(request, api, session)


@router.post("/administration/organisation")
async def organisation(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    name: Name,
    default_country: Annotated[str, Form(max_length=2)],
    password_min_length: Annotated[int, Form()] = 6,
) -> Response:
    body = {
        "name": name.strip(),
        "default_country": default_country.strip().upper(),
        "password_min_length": password_min_length,
    }
    return await _do(
        request,
        api,
        session,
        "The organisation's settings are saved.",
        "PUT",
        "directory",
        "/v1/organisation",
        json=body,
    )


@router.post("/administration/users")
async def create_user(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    user_id: Id,
    first_name: PersonName,
    last_name: PersonName,
    initial_password: Password,
    smartnumber: Number = "",
    mailbox_number: Number = "",
    email: Email = "",
    role: Annotated[str, Form()] = "user",
) -> Response:
    body: dict[str, Any] = {
        "user_id": user_id.strip(),
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "display_name": f"{first_name.strip()} {last_name.strip()}".strip(),
        "initial_password": initial_password,
        "role": role,
    }
    for key, value in (("smartnumber", smartnumber), ("mailbox_number", mailbox_number), ("email", email)):
        if value.strip():
            body[key] = value.strip()
    done = (
        f"{body['display_name']} ({body['user_id']}) is created;"
        " the initial password must be changed at first sign-in."
    )
    return await _do(request, api, session, done, "POST", "directory", "/v1/users", json=body)


@router.post("/administration/users/reset-password")
async def reset_password(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    user_id: Id,
    initial_password: Password,
) -> Response:
    return await _do(
        request,
        api,
        session,
        f"{user_id} has a new initial password.",
        "POST",
        "directory",
        f"/v1/users/{user_id.strip()}/password-reset",
        json={"initial_password": initial_password},
    )


@router.post("/administration/users/delete")
async def delete_user(request: Request, session: SignedIn, _: Csrf, api: ApiClient, user_id: Id) -> Response:
    return await _do(
        request, api, session, f"{user_id} is removed.", "DELETE", "directory", f"/v1/users/{user_id.strip()}"
    )


@router.post("/administration/teams")
async def create_team(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    team_id: Id,
    name: Name,
    kind: Annotated[str, Form(max_length=20)] = "team",
    smartnumber: Number = "",
    members: Members = "",
    strategy: Annotated[str, Form()] = "all_at_once",
    ring_seconds: Annotated[int, Form()] = 20,
) -> Response:
    body: dict[str, Any] = {
        "team_id": team_id.strip(),
        "kind": kind,
        "name": name.strip(),
        "members": [m.strip() for m in members.replace(";", ",").split(",") if m.strip()],
        "strategy": strategy,
        "ring_seconds": ring_seconds,
    }
    if smartnumber.strip():
        body["smartnumber"] = smartnumber.strip()
    done = f"The {kind} {body['name']} ({body['team_id']}) is created."
    return await _do(request, api, session, done, "POST", "directory", "/v1/teams", json=body)


@router.post("/administration/teams/delete")
async def delete_team(request: Request, session: SignedIn, _: Csrf, api: ApiClient, team_id: Id) -> Response:
    return await _do(
        request, api, session, f"{team_id} is removed.", "DELETE", "directory", f"/v1/teams/{team_id.strip()}"
    )
