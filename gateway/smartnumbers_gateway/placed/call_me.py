"""Calls the platform places to the user (§5.1, §5.4.1, §7.3): "call me to record" a greeting
or the name, and "leave a voicemail" for a user or team.

The web asks (``POST /v1/recordings``, ``POST /v1/voicemail-calls``); Asterisk rings the
user's current location (AMI ``Originate``, async) and, answered, runs the ``record`` or
``send-voicemail`` conversation (``recording.py``) in ``sn-originated``.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field
from smartnumbers_kit.http import errors

from smartnumbers_gateway.http.deps import Authorization, Person, Place
from smartnumbers_gateway.http.grammar import VoicemailTarget

router = APIRouter(prefix="/v1", tags=["call control"])


class RecordingCall(BaseModel):
    model_config = ConfigDict(extra="forbid")
    greeting: Literal["name", "permanent", "today", "extended_absence"]


class VoicemailCall(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: list[VoicemailTarget] = Field(
        min_length=1,
        max_length=50,
        description="user:<id> or team:<id>, each (ids: 1-64 of letters, digits, '.', '_', '-')",
    )


class Calling(BaseModel):
    request_id: str
    ringing: str


@router.post(
    "/recordings",
    response_model=Calling,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Call me at my current location to record a greeting or my name (§5.1, §7.3)",
    responses=errors(409, s409="Your location is None: select one first"),
)
async def call_me_to_record(
    body: RecordingCall, principal: Person, placing: Place, authorization: Authorization
) -> Calling:
    number = await placing.ring_me_first(authorization, "the platform calls you there to record")
    what = "Record your name" if body.greeting == "name" else "Record your greeting"
    shown = await placing.from_the_platform(what, principal.user_id, authorization)
    request_id = placing.originate(
        purpose="record",
        ring=number,
        exten="record",
        variables=[
            f"SN_RECORD_KIND={body.greeting}",
            f"SN_USER={principal.user_id}",
            f"SN_ORG={principal.organisation_id}",
        ],
        caller_id=shown,
        organisation_id=principal.organisation_id,
        user_id=principal.user_id,
    )
    return Calling(request_id=request_id, ringing=number)


@router.post(
    "/voicemail-calls",
    response_model=Calling,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Call me at my current location to leave a voicemail for users or teams (§5.4.1)",
    responses=errors(409, s409="Your location is None: select one first"),
)
async def call_me_to_leave_a_voicemail(
    body: VoicemailCall, principal: Person, placing: Place, authorization: Authorization
) -> Calling:
    number = await placing.ring_me_first(authorization, "the platform calls you there to record the message")
    shown = await placing.from_the_platform("Leave a voicemail", principal.user_id, authorization)
    request_id = placing.originate(
        purpose="send-voicemail",
        ring=number,
        exten="send-voicemail",
        variables=[
            f"SN_TO={'+'.join(body.to)}",
            f"SN_USER={principal.user_id}",
            f"SN_ORG={principal.organisation_id}",
        ],
        caller_id=shown,
        organisation_id=principal.organisation_id,
        user_id=principal.user_id,
    )
    return Calling(request_id=request_id, ringing=number)
