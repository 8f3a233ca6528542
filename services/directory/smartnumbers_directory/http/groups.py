"""Groups (§4.5): create, read with the members you may see, change, delete, send an SMS."""

from __future__ import annotations

from fastapi import APIRouter, status
from smartnumbers_directory.http.deps import App, CurrentPrincipal, Id
from smartnumbers_directory.http.schemas import Created, GroupBody, GroupSms, GroupView, SearchResult, SmsSent
from smartnumbers_directory.queries import Found
from smartnumbers_kit.http import errors

router = APIRouter(prefix="/v1", tags=["groups"])


@router.post(
    "/groups",
    response_model=Created,
    status_code=status.HTTP_201_CREATED,
    summary="Create a group",
    responses=errors(404),
)
def create_group(body: GroupBody, principal: CurrentPrincipal, app: App) -> Created:
    return Created(id=app.create_group(principal, body.model_dump()))


@router.get("/groups/{group_id}", response_model=GroupView, summary="A group, with the members you may see")
def read_group(principal: CurrentPrincipal, app: App, group_id: str = Id()) -> GroupView:
    view = GroupView.of(app.group(principal, group_id))
    members, children = app.members(principal, group_id)
    view.details = {**view.details, "members": [e.key for e in members]}
    view.visible_members = [SearchResult.of(Found(e, "member")) for e in members]
    view.member_groups = children
    return view


@router.put(
    "/groups/{group_id}",
    response_model=GroupView,
    summary="Change a group (all its details)",
    responses=errors(404),
)
def change_group(body: GroupBody, principal: CurrentPrincipal, app: App, group_id: str = Id()) -> GroupView:
    app.change_group(principal, group_id, body.model_dump())
    return read_group(principal, app, group_id)


@router.delete("/groups/{group_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a group")
def remove_group(principal: CurrentPrincipal, app: App, group_id: str = Id()) -> None:
    app.remove_group(principal, group_id)


@router.post(
    "/groups/{group_id}/sms",
    response_model=SmsSent,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send an SMS to every member with an SMS-capable number, through nested groups",
)
def send_sms(body: GroupSms, principal: CurrentPrincipal, app: App, group_id: str = Id()) -> SmsSent:
    return SmsSent(recipients=len(app.send_sms(principal, group_id, body.text)))
