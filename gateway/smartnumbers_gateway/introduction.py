"""Call introduction (§3.8) on the answering leg: announce, then star accepts.

``AGI(agi://gateway/introduce,<call id>,<step>,<target number>)`` runs on the called
channel before it is bridged (Dial option U). The plan of the call (kept when it was
decided) says what this answerer hears. Star accepts (``SN_ACCEPTED=1``); any other key,
silence or hanging up does not, and the caller's channel goes on to the plan's next step.
"""

from __future__ import annotations

import logging

from smartnumbers_contracts import routing as wire
from smartnumbers_gateway.fastagi import AgiRequest
from smartnumbers_gateway.incoming import PlansInFlight, e164
from smartnumbers_gateway.speech import Speech

log = logging.getLogger(__name__)
STAR = 42  # ASCII '*', as STREAM FILE and WAIT FOR DIGIT report it
ANSWER_SECONDS = 8


def introduction_for(plan: wire.RoutingPlan | None, step: int, target: str | None) -> wire.Introduction | None:
    if plan is None or not 1 <= step <= len(plan.steps) or target is None:
        return None
    planned = plan.steps[step - 1]
    if target not in planned.targets:
        return None
    index = planned.targets.index(target)
    return planned.introductions[index] if index < len(planned.introductions) else None


class Introductions:
    def __init__(self, plans: PlansInFlight, speech: Speech) -> None:
        self.plans = plans
        self.speech = speech

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
        if intro.requires_password_of:
            # Checking the PIN needs the directory (issue 3's PIN check); until it is wired,
            # a call that needs a password is not put through unannounced.
            log.warning("call %s: call introduction with password is not available yet", call_id)
        pressed = await self._announce(request, intro)
        accepted = pressed == STAR and intro.requires_password_of is None
        await request.set_variables({"SN_ACCEPTED": "1" if accepted else "0"})

    async def _announce(self, request: AgiRequest, intro: wire.Introduction) -> int:
        spoken = await self.speech.say(intro.text)
        prompts = [spoken] if spoken else ["sn/there-is-a-call-for-you", "sn/press-star-to-receive"]
        for prompt in prompts:
            result = await request.command(f'STREAM FILE {prompt} "*0123456789#"')
            pressed = int(result.get("result", ("0", ""))[0] or 0)
            if pressed:
                return pressed
        result = await request.command(f"WAIT FOR DIGIT {ANSWER_SECONDS * 1000}")
        return int(result.get("result", ("0", ""))[0] or 0)
