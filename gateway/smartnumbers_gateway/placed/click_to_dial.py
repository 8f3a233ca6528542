"""Click-to-dial (§4.4): ring the user's current location; when they answer, ring the other party.

``POST /v1/click-to-dial`` (the user, with their own token): the gateway reads the user's
current location from presence (with the user's token: they may read their own), then
asks Asterisk (AMI ``Originate``, async) to ring it; when answered the call lands in the
dialplan's ``sn-originated,connect`` which dials the other party. The request is
answered at once (202, with a request id); how it ended is published as
``gateway.call.placed.v1``. The number called may be a colleague's
smartnumber: routing then puts the call through to their current location.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime
from uuid import NAMESPACE_URL, uuid5

import httpx
from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict
from smartnumbers_contracts import calls
from smartnumbers_kit.auth import CurrentPrincipal
from smartnumbers_kit.dialable import to_e164
from smartnumbers_kit.errors import Conflict, DomainError

from smartnumbers_gateway.asterisk.plan_variables import dial_string
from smartnumbers_gateway.http.grammar import DialledNumber

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["call control"])
REASONS = {"0": "failed", "1": "hangup", "3": "no answer", "4": "answered", "5": "busy", "8": "congestion"}


class Unavailable(DomainError):
    status = 503
    code = "unavailable"


class ClickToDial(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: DialledNumber


class Requested(BaseModel):
    request_id: str
    first_leg: str


@router.post(
    "/click-to-dial",
    response_model=Requested,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Ring my current location, then connect me to a number (§4.4)",
)
async def click_to_dial(body: ClickToDial, request: Request, principal: CurrentPrincipal) -> Requested:
    state = request.app.state
    settings = state.settings
    to = to_e164(body.to, settings.default_country, what="number to call")
    first_leg = await ring_me_first(request, "click-to-dial rings it (§4.4)")
    request_id = uuid.uuid4().hex
    action = {
        "Action": "Originate",
        "ActionID": f"click-to-dial-{request_id}",
        "Async": "true",
        "Channel": dial_string(settings.dial_template, [first_leg]),
        "Context": "sn-originated",
        "Exten": "connect",
        "Priority": "1",
        "CallerID": f'"Click to dial" <{to.lstrip("+")}>',
        "Timeout": "30000",
        "Variable": f"SN_CONNECT_DIAL={dial_string(settings.dial_template, [to])}",
    }
    state.background.spawn(
        follow(
            state,
            action,
            request_id,
            "click-to-dial",
            principal.organisation_id,
            principal.user_id,
            first_leg,
            to,
        ),
        name=f"click-to-dial-{request_id}",
    )
    return Requested(request_id=request_id, first_leg=first_leg)


async def ring_me_first(request: Request, why: str) -> str:
    """The user's current location, when Asterisk can be asked to ring it; else a clear 4xx/503."""
    return await location_to_ring(
        request, "me", request.headers["authorization"], "your", f"select a location first, {why}"
    )


async def location_to_ring(
    request: Request, user: str, authorization: str, whose: str, otherwise: str
) -> str:
    """``user``'s current location number as presence says (read with ``authorization``), when
    AMI is there to ring it; 503 when either cannot be reached, 409 when the location is None."""
    state = request.app.state
    if state.runtime.ami is None or not state.runtime.ami.logged_in.is_set():
        raise Unavailable("the telephone system cannot be reached just now: nothing was dialled, try again")
    async with httpx.AsyncClient(base_url=state.settings.presence_url, timeout=3) as presence:
        r = await presence.get(f"/v1/users/{user}/presence", headers={"Authorization": authorization})
    if r.status_code != 200:
        raise Unavailable(f"{whose} location could not be read (presence answered {r.status_code})")
    number = r.json().get("location_number")
    if not number:
        raise Conflict(f"{whose} location is None: {otherwise}")
    return number


async def follow(state, action, request_id, purpose, organisation_id, user_id, first_leg, to=None) -> None:  # type: ignore[no-untyped-def]
    """Send the Originate, and publish how the call to the user went (``gateway.call.placed.v1``)."""
    reason = "failed"
    try:
        replies = await asyncio.wait_for(state.runtime.ami.manager.send_action(action), 45)
        replies = replies if isinstance(replies, list) else [replies]
        outcome = next((m for m in replies if m.get("Event") == "OriginateResponse"), None)
        if outcome is not None:
            reason = REASONS.get(str(outcome.get("Reason")), f"reason {outcome.get('Reason')}")
    except Exception as e:
        log.warning("%s %s: no outcome from Asterisk (%s)", purpose, request_id, e)
    state.publisher.put(
        calls.CallPlaced(
            event_id=uuid5(NAMESPACE_URL, f"smartnumbers:gateway:placed:{request_id}"),
            organisation_id=organisation_id,
            occurred_at=datetime.now(UTC),
            request_id=request_id,
            purpose=purpose,
            user_id=user_id,
            to=to,
            first_leg=first_leg,
            answered=reason == "answered",
            reason=reason,
        )
    )
