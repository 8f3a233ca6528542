"""The "call to current location" message alert (§3.5): ring the user and play their new messages.

``POST /v1/message-alert-calls`` — by the user, or by a service (notify, deciding alerts)
for a user of its organisation. Asterisk rings the user's current location (AMI
``Originate``); answered, ``AGI(mailbox-alert,<user>,<organisation>)`` says they have new
messages and plays each (urgent first, then oldest), with who left it; playing a message
makes it Old, as listening on the web does (§5.3).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict
from smartnumbers_contracts.base import Identifier
from smartnumbers_kit.auth import Role
from smartnumbers_kit.errors import Forbidden
from smartnumbers_kit.http import errors

from smartnumbers_gateway.asterisk.fastagi import AgiRequest
from smartnumbers_gateway.asterisk.wire_text import agi_digits, agi_word
from smartnumbers_gateway.clients.mailbox import MailboxClient
from smartnumbers_gateway.http.deps import Authorization, CurrentPrincipal, Place, Tokens
from smartnumbers_gateway.placed.call_me import Calling
from smartnumbers_gateway.placed.originate import NEW_MESSAGES

router = APIRouter(prefix="/v1", tags=["call control"])
YOU_HAVE_NEW = "sn/you-have-new-messages"
MESSAGE_FROM = "sn/message-from"
GOODBYE = "vm-goodbye"


class AlertCall(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user_id: Identifier | None = None


@router.post(
    "/message-alert-calls",
    response_model=Calling,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Call a user at their current location and play their new messages (§3.5)",
    responses=errors(404, 409, s404="No such user", s409="The user's location is None: nowhere to call"),
)
async def call_with_new_messages(
    body: AlertCall, principal: CurrentPrincipal, placing: Place, tokens: Tokens, authorization: Authorization
) -> Calling:
    user = body.user_id or principal.user_id
    if principal.role is Role.SERVICE:
        authorization = f"Bearer {tokens.for_organisation(principal.organisation_id)}"
        number = await placing.location_to_ring(user, authorization, f"{user}'s", "there is nowhere to call")
    elif user != principal.user_id:
        raise Forbidden("you may ask for your own messages only")
    else:
        number = await placing.ring_me_first(authorization, "the alert calls you there")
    request_id = placing.originate(
        purpose="play-messages",
        ring=number,
        exten="play-messages",
        variables=[f"SN_USER={user}", f"SN_ORG={principal.organisation_id}"],
        caller_id=await placing.from_the_platform(NEW_MESSAGES, user, authorization),
        organisation_id=principal.organisation_id,
        user_id=user,
    )
    return Calling(request_id=request_id, ringing=number)


class PlayNewMessages:
    """``AGI(agi://gateway/mailbox-alert,<user>,<organisation>)``"""

    def __init__(self, mailbox: MailboxClient, spool: Path) -> None:
        self.mailbox, self.spool = mailbox, spool

    async def __call__(self, request: AgiRequest) -> None:
        user, organisation = ([*request.args, "", ""])[:2]
        await request.command("ANSWER")
        messages = await self.mailbox.new_messages(organisation, user)
        if not messages:
            await request.command('STREAM FILE sn/no-new-messages ""')
            return
        await request.command(f'STREAM FILE {YOU_HAVE_NEW} ""')
        for message in messages:
            if message.get("caller_number"):
                await request.command(f'STREAM FILE {MESSAGE_FROM} ""')
                await request.command(f'SAY DIGITS {agi_digits(message["caller_number"])} ""')
            audio = await self.mailbox.download(
                organisation,
                f"/v1/mailboxes/users/{user}/messages/{message['id']}/audio",
                self.spool / "playing" / f"{uuid.uuid4().hex}.wav",
            )
            try:
                await request.command(f'STREAM FILE {agi_word(audio.with_suffix(""))} ""')
            finally:
                audio.unlink(missing_ok=True)
        await request.command(f'STREAM FILE {GOODBYE} ""')
