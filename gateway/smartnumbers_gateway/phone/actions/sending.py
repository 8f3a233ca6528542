"""Sending a voicemail to a user or a team from the phone (§5.4.2, and §5.3.2's "leave a
message for another user"): their number, their name to confirm, the message after the
tone; ``#`` or hanging up sends it."""

from __future__ import annotations

from smartnumbers_gateway.asterisk.fastagi import Hangup
from smartnumbers_gateway.phone.actions.common import find_recipient, recorded
from smartnumbers_gateway.phone.registry import action
from smartnumbers_gateway.phone.session import PhoneSession


@action("send_voicemail")
async def send_voicemail(session: PhoneSession, _: str) -> None:
    to = await find_recipient(session)
    if to is None:
        return
    data = await recorded(session, keep_if_hung_up=True)
    if data is not None:
        await session.mailbox.call(
            "POST",
            "/v1/voicemails",
            content=data,
            headers={"Content-Type": "audio/wav"},
            params=[("to", f"{to[0]}:{to[1]}"), ("sender", session.user_id)],
        )
    if session.line.hung_up:
        raise Hangup("hung up after leaving the message")
    if data is not None:
        await session.line.play("sn/message-sent")
