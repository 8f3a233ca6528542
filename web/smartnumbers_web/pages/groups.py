"""Groups (§4.5): a group with a leader, an administrator, members (users, contacts, teams) and
the groups it belongs to (nesting); its visible members; an SMS to everyone in it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from smartnumbers_web.api import ApiError
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render

router = APIRouter(include_in_schema=False)


def references(text: str) -> list[str]:
    """``bob, contact:c1, team:sales`` → ``["user:bob", "contact:c1", "team:sales"]``."""
    found = [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]
    return [t if ":" in t else f"user:{t}" for t in found]


async def _page(
    request: Request, api: ApiClient, group: dict[str, Any] | None = None, **context: Any
) -> Response:
    return render(request, "groups.html", active="address-book", group=group, **context)


@router.get("/groups")
async def groups(
    request: Request, session: SignedIn, api: ApiClient, id: Annotated[str, Query(max_length=64)] = ""
) -> Response:
    if not id.strip():
        return await _page(request, api)
    try:
        group = await api.get("directory", f"/v1/groups/{id.strip()}")
    except ApiError as error:
        return await _page(request, api, error=error.detail, status_code=error.status)
    return await _page(request, api, group)


@router.post("/groups")
async def create_group(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    name: Annotated[str, Form()],
    leader_id: Annotated[str, Form()] = "",
    administrator_id: Annotated[str, Form()] = "",
    members: Annotated[str, Form()] = "",
    member_of: Annotated[str, Form()] = "",
    viewable_by: Annotated[str, Form()] = "staff",
) -> Response:
    body = {
        "name": name.strip(),
        "leader_id": leader_id.strip() or None,
        "administrator_id": administrator_id.strip() or None,
        "members": references(members),
        "member_of": [g.strip() for g in member_of.split(",") if g.strip()],
        "viewable_by": viewable_by,
    }
    try:
        created = await api.post("directory", "/v1/groups", json=body)
    except ApiError as error:
        return await _page(request, api, error=error.detail, status_code=error.status)
    return RedirectResponse(f"/groups?id={created['id']}", 303)


@router.post("/groups/{group_id}/sms")
async def sms(
    request: Request, group_id: str, session: SignedIn, _: Csrf, api: ApiClient, text: Annotated[str, Form()]
) -> Response:
    group = await api.get("directory", f"/v1/groups/{group_id}")
    try:
        sent = await api.post("directory", f"/v1/groups/{group_id}/sms", json={"text": text})
    except ApiError as error:
        return await _page(request, api, group, error=error.detail, status_code=error.status)
    n = sent["recipients"]
    return await _page(
        request, api, group, saved=f"The SMS is on its way to {n} number{'s' if n != 1 else ''}."
    )
