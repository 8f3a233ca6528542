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

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict
from smartnumbers_kit.dialable import to_e164
from smartnumbers_kit.http import errors

from smartnumbers_gateway.http.deps import Authorization, Person, Place, Settings
from smartnumbers_gateway.http.grammar import DialledNumber
from smartnumbers_gateway.placed.originate import caller_id, caller_name

__all__ = ["caller_name", "router"]
router = APIRouter(prefix="/v1", tags=["call control"])


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
    responses=errors(409, s409="Your location is None: select one first"),
)
async def click_to_dial(
    body: ClickToDial,
    principal: Person,
    placing: Place,
    settings: Settings,
    authorization: Authorization,
) -> Requested:
    to = to_e164(body.to, settings.default_country, what="number to call")
    first_leg = await placing.ring_me_first(authorization, "click-to-dial rings it (§4.4)")
    # Presentation only: without the directory the call is still placed, with no caller id.
    me = await placing.profile(principal.user_id, authorization)
    request_id = placing.originate(
        purpose="click-to-dial",
        ring=first_leg,
        exten="connect",
        variables=[
            f"SN_CONNECT_DIAL={placing.dial(to)}",
            f"SN_CONNECT_NUM={to}",
            # The person called sees the user's smartnumber and name: the one number (§1).
            f"SN_CALLER_NUM={me.get('smartnumber') or ''}",
            f"SN_CALLER_NAME={caller_name(me.get('display_name'))}",
        ],
        # The user's own phone rings first: it shows the number it is about to connect to.
        caller_id=caller_id(f"Call to {to}", to),
        organisation_id=principal.organisation_id,
        user_id=principal.user_id,
        to=to,
    )
    return Requested(request_id=request_id, first_leg=first_leg)
