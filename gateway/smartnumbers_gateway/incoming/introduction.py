"""Call introduction (§3.8) on the answering leg: announce, then star accepts.

``AGI(agi://gateway/introduce,<call id>,<step>,<target number>)`` runs on the called
channel before it is bridged (Dial option U). The plan of the call (kept when it was
decided) says what this answerer hears. Star accepts (``SN_ACCEPTED=1``); any other key,
silence or hanging up does not, and the caller's channel goes on to the plan's next step.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from smartnumbers_contracts import routing as wire

from smartnumbers_gateway.asterisk.fastagi import AgiRequest
from smartnumbers_gateway.asterisk.numbers import e164
from smartnumbers_gateway.asterisk.speech import Speech
from smartnumbers_gateway.clients.directory import DirectoryClient
from smartnumbers_gateway.clients.mailbox import MailboxClient
from smartnumbers_gateway.incoming.plans import PlansInFlight

log = logging.getLogger(__name__)
STAR = 42  # ASCII '*', as STREAM FILE and WAIT FOR DIGIT report it
PASSWORD_PROMPT = "sn/enter-password-to-receive"
ANSWER_SECONDS = 8


def introduction_for(
    plan: wire.RoutingPlan | None, step: int, target: str | None
) -> wire.Introduction | None:
    if plan is None or not 1 <= step <= len(plan.steps) or target is None:
        return None
    planned = plan.steps[step - 1]
    if target not in planned.targets:
        return None
    index = planned.targets.index(target)
    return planned.introductions[index] if index < len(planned.introductions) else None


class Introductions:
    def __init__(
        self,
        plans: PlansInFlight,
        speech: Speech,
        directory: DirectoryClient | None = None,
        mailbox: MailboxClient | None = None,
        spool: Path | None = None,
    ) -> None:
        self.plans = plans
        self.speech = speech
        self.directory = directory
        self.mailbox = mailbox
        self.spool = spool

    async def __call__(self, request: AgiRequest) -> None:
        args = request.args
        call_id = args[0] if args else ""
        step = int(args[1]) if len(args) > 1 and args[1].isdigit() else 0
        target = e164(args[2]) if len(args) > 2 else None
        intro = introduction_for(self.plans.get(call_id), step, target)
        if intro is None:  # nothing to announce (or the plan is gone): connect
            await request.set_variables({"SN_ACCEPTED": "1"})
            return
        await request.command("ANSWER")
        plan = self.plans.get(call_id)
        recorded = self.mailbox is not None and (intro.for_name_recording or intro.from_name_recording)
        if recorded and plan is not None and plan.organisation_id:
            pressed = await self._announce_with_names(request, intro, plan.organisation_id)
        else:
            pressed = await self._announce(request, intro)
        accepted = pressed == STAR
        if accepted and intro.requires_password_of:
            accepted = await self._password_given(request, call_id, intro.requires_password_of)
        await request.set_variables({"SN_ACCEPTED": "1" if accepted else "0"})

    async def _password_given(self, request: AgiRequest, call_id: str, user_id: str) -> bool:
        """Call introduction with password (§3.8): the PIN, checked by the directory (same lockout)."""
        plan = self.plans.get(call_id)
        if self.directory is None or plan is None or not plan.organisation_id:
            log.warning("call %s: no directory to check the PIN with; not put through", call_id)
            return False
        result = await request.command(f"GET DATA {PASSWORD_PROMPT} 8000 12")
        pin = result.get("result", ("", ""))[0]
        if not pin.isdigit():
            return False
        return await self.directory.pin_is_right(plan.organisation_id, user_id, pin)

    async def _announce_with_names(
        self, request: AgiRequest, intro: wire.Introduction, organisation_id: str
    ) -> int:
        """The introduction in parts, the names from their recordings when there are some (§3.8)."""
        fetched: list[Path] = []

        async def name(recording: str | None, words: str | None) -> str | None:
            if recording and self.mailbox is not None and self.spool is not None:
                kind, _, owner = recording.removeprefix("mailbox:").rpartition(":name")[0].partition(":")
                try:
                    audio = await self.mailbox.download(
                        organisation_id,
                        f"/v1/mailboxes/{kind}s/{owner}/greetings/name/audio",
                        self.spool / "names" / f"{uuid.uuid4().hex}.wav",
                    )
                    fetched.append(audio)
                    return str(audio.with_suffix(""))
                except Exception as e:  # a name recording removed meanwhile: say the name instead
                    log.info("name recording %s not played (%s)", recording, e)
            return await self.speech.say(words) if words else None

        for_part = await name(intro.for_name_recording, intro.for_name)
        from_part = (
            await name(intro.from_name_recording, intro.from_name)
            if (intro.from_name or intro.from_name_recording)
            else None
        )
        if intro.form == "for":
            parts = ["sn/there-is-a-call-for", for_part]
        else:
            parts = [for_part, "sn/there-is-a-call" if from_part else "sn/there-is-a-call-for-you"]
        if from_part:
            parts += ["sn/there-is-a-call-from", from_part]
        parts.append("sn/press-star-to-receive")
        try:
            return await _first_key(request, [p for p in parts if p])
        finally:
            for audio in fetched:
                audio.unlink(missing_ok=True)

    async def _announce(self, request: AgiRequest, intro: wire.Introduction) -> int:
        spoken = await self.speech.say(intro.text)
        return await _first_key(
            request, [spoken] if spoken else ["sn/there-is-a-call-for-you", "sn/press-star-to-receive"]
        )


async def _first_key(request: AgiRequest, prompts: list[str]) -> int:
    """Play the prompts until a key is pressed, then wait a while for one; its ASCII code, or 0."""
    for prompt in prompts:
        result = await request.command(f'STREAM FILE {prompt} "*0123456789#"')
        pressed = int(result.get("result", ("0", ""))[0] or 0)
        if pressed:
            return pressed
    result = await request.command(f"WAIT FOR DIGIT {ANSWER_SECONDS * 1000}")
    return int(result.get("result", ("0", ""))[0] or 0)
