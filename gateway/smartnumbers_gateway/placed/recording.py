"""The conversations of calls the platform placed (call_me.py): record a greeting or the name,
or a voicemail for users and teams — after the tone, ``#`` or silence ends it."""

from __future__ import annotations

import logging
from pathlib import Path

from smartnumbers_gateway.asterisk.fastagi import AgiRequest, Hangup
from smartnumbers_gateway.clients.mailbox import MailboxClient
from smartnumbers_gateway.phone.line import Line

log = logging.getLogger(__name__)
RECORD_AFTER_TONE = "sn/record-after-tone"
SAVED = "sn/recording-saved"
MAX_MS = 120_000


async def record_after_the_tone(request: AgiRequest, spool: Path) -> bytes | None:
    """Prompt, beep, record until # or 5 s of silence; what was said (or None)."""
    await request.command("ANSWER")
    await request.command(f'STREAM FILE {RECORD_AFTER_TONE} ""')
    line = Line(request, spool)
    data = await line.record(MAX_MS)
    if line.hung_up and data is None:
        raise Hangup("hung up before saying anything")
    return data


class RecordGreeting:
    """``AGI(agi://gateway/record,<name|permanent|today|extended_absence>,<user>,<organisation>)``"""

    def __init__(self, mailbox: MailboxClient, spool: Path) -> None:
        self.mailbox, self.spool = mailbox, spool

    async def __call__(self, request: AgiRequest) -> None:
        kind, user, organisation = ([*request.args, "", "", ""])[:3]
        data = await record_after_the_tone(request, self.spool)
        if data is None:
            return
        await self.mailbox.record_greeting(organisation, user, kind, data)
        await request.command(f'STREAM FILE {SAVED} ""')


class SendVoicemail:
    """``AGI(agi://gateway/send-voicemail,<user:a+team:b>,<sender>,<organisation>)``"""

    def __init__(self, mailbox: MailboxClient, spool: Path) -> None:
        self.mailbox, self.spool = mailbox, spool

    async def __call__(self, request: AgiRequest) -> None:
        to, sender, organisation = ([*request.args, "", "", ""])[:3]
        data = await record_after_the_tone(request, self.spool)
        if data is None:
            return
        await self.mailbox.send_voicemail(organisation, sender, [t for t in to.split("+") if t], data)
        await request.command(f'STREAM FILE {SAVED} ""')
