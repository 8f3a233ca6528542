"""Voicemail (§5.1, §3.9): play the greeting the mailbox chooses, record, deposit.

``AGI(agi://gateway/voicemail,<mailbox>,<greeting>,<call id>)`` — the mailbox is a user id
or ``team:<id>``; the organisation comes from the call's plan. A caller who hangs up
before the beep leaves nothing (routing counts that as a lost call); one who hangs up
after it leaves what was said. ``greeting`` (same arguments) plays the greeting and
records nothing: No messages, and extended absence without a delegate.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from uuid import NAMESPACE_URL, uuid5

from smartnumbers_contracts import calls

from smartnumbers_gateway.asterisk.fastagi import AgiError, AgiRequest, Hangup
from smartnumbers_gateway.asterisk.numbers import as_written_by, e164
from smartnumbers_gateway.asterisk.speech import Speech
from smartnumbers_gateway.asterisk.wire_text import agi_digits, agi_quoted, agi_word
from smartnumbers_gateway.clients.mailbox import Greeting, MailboxClient
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_gateway.phone.line import Line

log = logging.getLogger(__name__)
MAX_MESSAGE_MS = 180_000
NOT_AVAILABLE = "sn/not-available-leave-message"
NOT_TAKING = "sn/no-messages-taken"
TRANSFER_PROMPT = "sn/transfer-to-delegate"


class Voicemail:
    def __init__(
        self,
        plans: PlansInFlight,
        mailbox: MailboxClient,
        speech: Speech,
        spool: Path,
        announce: Callable[[calls.VoicemailLeft], None],
        *,
        record: bool = True,
    ) -> None:
        self.plans = plans
        self.mailbox = mailbox
        self.speech = speech
        self.spool = spool
        self.announce = announce
        self.record = record

    async def __call__(self, request: AgiRequest) -> None:
        args = [*request.args, "", "", ""]
        mailbox, call_id = args[0], args[2]
        plan = self.plans.get(call_id)
        organisation_id = plan.organisation_id if plan else None
        await request.command("ANSWER")
        if not organisation_id or not mailbox:
            log.warning("call %s: no mailbox to leave a message in; playing the apology", call_id)
            await request.command(f'STREAM FILE {NOT_TAKING} ""')
            return
        greeting = await self.mailbox.greeting(organisation_id, mailbox)
        await self.play_greeting(request, organisation_id, greeting)
        if not self.record or not greeting.takes_messages:
            await request.command(f'STREAM FILE {NOT_TAKING} ""')
            return
        await self.leave_message(request, organisation_id, mailbox, call_id)

    async def leave_message(
        self, request: AgiRequest, organisation_id: str, mailbox: str, call_id: str
    ) -> None:
        """Record after the beep and deposit; the call's end waits until the message is in."""
        self.plans.hold_end(call_id)
        try:
            await self._take_message(request, organisation_id, mailbox, call_id)
        finally:
            for held in self.plans.release_end(call_id):
                self.announce(held)  # type: ignore[arg-type]

    async def _take_message(
        self, request: AgiRequest, organisation_id: str, mailbox: str, call_id: str
    ) -> None:
        line = Line(request, self.spool)
        message = await line.record(MAX_MESSAGE_MS)  # hanging up ends it, kept
        if message is None:
            log.info("call %s: the caller left no message", call_id)
            return
        if line.hung_up and await _fax_detected(request):
            log.info("call %s: a fax machine, not a message: it is received as a fax", call_id)
            return
        await self.mailbox.deposit(
            organisation_id,
            mailbox,
            message,
            e164(request.headers.get("agi_callerid")),
            request.headers.get("agi_calleridname") or None,
        )
        self.announce(
            calls.VoicemailLeft(
                event_id=uuid5(NAMESPACE_URL, f"smartnumbers:gateway:{call_id}:voicemail:{mailbox}"),
                organisation_id=organisation_id,
                occurred_at=datetime.now(UTC),
                call_id=call_id,
                mailbox=mailbox,
            )
        )

    async def play_greeting(
        self, request: AgiRequest, organisation_id: str, greeting: Greeting, keys: str = "#"
    ) -> str | None:
        """The greeting callers hear; the first of ``keys`` pressed stops it and is returned."""
        if greeting.audio_path:
            return await self._play_recording(request, organisation_id, greeting.audio_path, keys)
        if greeting.name_audio_path:  # the system default, speaking the recorded name
            pressed = await self._play_recording(request, organisation_id, greeting.name_audio_path, keys)
        elif greeting.number:
            spoken = as_written_by(greeting.number, request.headers.get("agi_callerid"))
            pressed = _key(await request.command(f"SAY DIGITS {agi_digits(spoken)} {agi_quoted(keys)}"))
        else:
            pressed = None
        return pressed or _key(await request.command(f"STREAM FILE {NOT_AVAILABLE} {agi_quoted(keys)}"))

    async def _play_recording(
        self, request: AgiRequest, organisation_id: str, path: str, keys: str
    ) -> str | None:
        """Fetched fresh each time (a greeting can be recorded again), played, removed."""
        audio = await self.mailbox.download(
            organisation_id, path, self.spool / "greetings" / f"{uuid.uuid4().hex}.wav"
        )
        try:
            return _key(
                await request.command(f"STREAM FILE {agi_word(audio.with_suffix(''))} {agi_quoted(keys)}")
            )
        finally:
            audio.unlink(missing_ok=True)


async def _fax_detected(request: AgiRequest) -> bool:
    """Whether Asterisk took the call away to its ``fax`` extension (FAXOPT(faxdetect) sets
    FAXEXTEN as it jumps, which ends this conversation like a hang-up)."""
    try:
        return bool((await request.variables_after("FAXEXTEN"))["FAXEXTEN"])
    except (Hangup, AgiError):
        return False


def _key(result: dict) -> str | None:
    code = int(result.get("result", ("0", ""))[0] or 0)
    return chr(code) if code > 0 else None


class OfferTransfer:
    """Extended absence with a delegate (§3.9): the greeting, then "press one" to be transferred.

    ``AGI(agi://gateway/offer-transfer,<mailbox>,<call id>)`` sets ``SN_TRANSFER=1`` when the
    caller pressed 1; the dialplan then dials the delegate's smartnumber. No message is taken.
    """

    def __init__(self, plans: PlansInFlight, voicemail: Voicemail) -> None:
        self.plans = plans
        self.voicemail = voicemail

    async def __call__(self, request: AgiRequest) -> None:
        args = [*request.args, "", ""]
        mailbox, call_id = args[0], args[1]
        plan = self.plans.get(call_id)
        await request.command("ANSWER")
        if plan and plan.organisation_id and mailbox:
            greeting = await self.voicemail.mailbox.greeting(plan.organisation_id, mailbox)
            await self.voicemail.play_greeting(request, plan.organisation_id, greeting)
        result = await request.command(f'STREAM FILE {TRANSFER_PROMPT} "1"')
        pressed = int(result.get("result", ("0", ""))[0] or 0)
        if not pressed:
            pressed = int((await request.command("WAIT FOR DIGIT 5000")).get("result", ("0", ""))[0] or 0)
        await request.set_variables({"SN_TRANSFER": "1" if pressed == ord("1") else "0"})
