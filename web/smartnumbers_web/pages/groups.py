"""Groups (§4.5): a group with a leader, an administrator, members (users, contacts, teams) and
the groups it belongs to (nesting); its visible members; an SMS to everyone in it; Delete, which
asks first (the directory decides who may: whoever its Editable by setting lets)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from smartnumbers_web.api import ApiError
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from smartnumbers_web.pages.confirm import CONFIRMED, confirmation

router = APIRouter(include_in_schema=False)
GroupId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


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
    request: Request,
    group_id: GroupId,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    text: Annotated[str, Form()],
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


@router.get("/groups/{group_id}/delete")
async def confirm_delete(request: Request, session: SignedIn, api: ApiClient, group_id: GroupId) -> Response:
    return _confirmation(request, await api.get("directory", f"/v1/groups/{group_id}"))


def _confirmation(request: Request, group: dict[str, Any]) -> Response:
    name, gid = group["details"]["name"], group["group_id"]
    return confirmation(
        request,
        question=f"Delete the group {name}?",
        consequence="The group is deleted for everyone who could see it; its members stay in the directory.",
        action=f"/groups/{gid}/delete",
        button=f"Yes, delete the group {name}",
        cancel=f"/groups?id={gid}",
    )


@router.post("/groups/{group_id}/delete")
async def delete(
    request: Request,
    group_id: GroupId,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    group = await api.get("directory", f"/v1/groups/{group_id}")
    if confirmed != CONFIRMED:
        return _confirmation(request, group)  # not asked yet (a form without the confirm step)
    try:
        await api.delete("directory", f"/v1/groups/{group_id}")
    except ApiError as error:
        return await _page(request, api, group, error=error.detail, status_code=error.status)
    return await _page(request, api, saved=f"The group {group['details']['name']} is deleted.")
