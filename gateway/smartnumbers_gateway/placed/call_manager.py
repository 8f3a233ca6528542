"""Call Manager's actions on a call (§7.5.2): Accept, Delegate, Voicemail, Please Hold, Hang up.

``POST /v1/calls/{call_id}/{action}`` by the person the call is for (or an administrator
of the organisation). The caller's channel (remembered when the call was planned) is
moved with AMI: ``Redirect`` into the dialplan's ``sn-cm`` context (accept: to the user's
current location; voicemail: the user's mailbox), to the delegate's smartnumber (routed
again, §3.6.4), or to ``sn-hold`` (the comfort message, §7.5.3); ``Hangup`` ends it.
A transfer is published as ``gateway.call.transferred.v1``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated
from uuid import NAMESPACE_URL, uuid5

from fastapi import APIRouter, Path, status
from pydantic import BaseModel
from smartnumbers_contracts import calls
from smartnumbers_contracts.routing import RoutingPlan
from smartnumbers_kit.auth import Principal, Role
from smartnumbers_kit.errors import Conflict, Forbidden, NotFound

from smartnumbers_gateway.asterisk.ami import AmiLink
from smartnumbers_gateway.asterisk.numbers import dial_string
from smartnumbers_gateway.clients.http import Unavailable
from smartnumbers_gateway.http.deps import (
    Ami,
    Authorization,
    CurrentPrincipal,
    Directory,
    Plans,
    Presence,
    Publish,
    Settings,
)
from smartnumbers_gateway.http.grammar import CALL_ID

router = APIRouter(prefix="/v1", tags=["call control"])


CallId = Annotated[
    str,
    Path(pattern=CALL_ID, description="The call's id (Asterisk's linked id)"),
]


class Action(StrEnum):
    ACCEPT = "accept"
    DELEGATE = "delegate"
    VOICEMAIL = "voicemail"
    HOLD = "hold"
    HANG_UP = "hang-up"


class Done(BaseModel):
    call_id: str
    action: Action


def _involved(principal: Principal, plan: RoutingPlan) -> bool:
    if principal.role in (Role.ADMIN, Role.SERVICE):
        return True
    people = {plan.call_for, *plan.delegated_from, *(u for step in plan.steps for u in step.answered_by)}
    return principal.user_id in people


@router.post(
    "/calls/{call_id}/{action}",
    response_model=Done,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Call Manager: accept, delegate, voicemail, please hold or hang up a call (§7.5.2)",
)
async def act(
    call_id: CallId,
    action: Action,
    principal: CurrentPrincipal,
    plans: Plans,
    ami: Ami,
    presence: Presence,
    directory: Directory,
    publish: Publish,
    settings: Settings,
    authorization: Authorization,
) -> Done:
    plan = plans.get(call_id)
    if plan is None or plan.organisation_id != principal.organisation_id:
        raise NotFound(f"no call {call_id!r} is in progress for your organisation")
    if not _involved(principal, plan):
        raise Forbidden("only the person called (or an administrator) controls this call")
    channel = plans.channel(call_id)
    if channel is None:
        raise Conflict("this call cannot be moved: its channel is not known")
    if ami is None or not ami.logged_in.is_set():
        raise Unavailable("the telephone system cannot be reached just now: the call was left as it was")
    user = principal.user_id
    template = settings.dial_template
    moved_to: tuple[str | None, str | None] | None = None
    if action is Action.HANG_UP:
        await _ami(ami, {"Action": "Hangup", "Channel": channel, "Cause": "16"})
    elif action is Action.HOLD:
        await _ami(
            ami,
            {"Action": "Redirect", "Channel": channel, "Context": "sn-hold", "Exten": "s", "Priority": "1"},
        )
    elif action is Action.VOICEMAIL:
        await _ami(ami, {"Action": "Setvar", "Channel": channel, "Variable": "SN_CM_MAILBOX", "Value": user})
        await _ami(
            ami,
            {
                "Action": "Redirect",
                "Channel": channel,
                "Context": "sn-cm",
                "Exten": "voicemail",
                "Priority": "1",
            },
        )
        moved_to = (None, None)
    else:
        mine = await presence.presence_of("me", authorization, "your")
        if action is Action.ACCEPT:
            number = mine.get("location_number")
            if not number:
                raise Conflict("your location is None: select a location to take the call there (§3.3)")
            await _ami(
                ami,
                {
                    "Action": "Setvar",
                    "Channel": channel,
                    "Variable": "SN_CM_DIAL",
                    "Value": dial_string(template, [number]),
                },
            )
            await _ami(
                ami,
                {
                    "Action": "Redirect",
                    "Channel": channel,
                    "Context": "sn-cm",
                    "Exten": "accept",
                    "Priority": "1",
                },
            )
            moved_to = (user, number)
        else:
            delegate = mine.get("delegate_id")
            if not delegate:
                raise Conflict("you have no delegate: choose one first (§3.6.4)")
            profile = (await directory.user_as(delegate, authorization)).get("profile", {})
            if not profile.get("smartnumber"):
                raise Conflict(f"your delegate {delegate!r} has no smartnumber to send the call to")
            await _ami(
                ami,
                {
                    "Action": "Redirect",
                    "Channel": channel,
                    "Context": "sn-incoming",
                    "Exten": profile["smartnumber"],
                    "Priority": "1",
                },
            )
            moved_to = (delegate, profile["smartnumber"])
    if moved_to is not None:
        to_user, to_number = moved_to
        publish(
            calls.CallTransferred(
                event_id=uuid5(NAMESPACE_URL, f"smartnumbers:gateway:{call_id}:cm:{action.value}:{to_user}"),
                organisation_id=plan.organisation_id,
                occurred_at=datetime.now(UTC),
                call_id=call_id,
                to_user_id=to_user,
                to_number=to_number,
            )
        )
    return Done(call_id=call_id, action=action)


async def _ami(ami: AmiLink, action: dict[str, str]) -> None:
    try:
        response = await asyncio.wait_for(ami.manager.send_action(action), 5)
    except TimeoutError:
        raise Unavailable(f"Asterisk did not answer {action['Action']} in time") from None
    if getattr(response, "success", True) is False:
        raise Conflict(f"Asterisk refused {action['Action']}: {response.get('Message', 'no reason given')}")
