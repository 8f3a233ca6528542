"""A routing plan as the channel variables the shipped dialplan reads (deploy/asterisk/extensions.conf).

SN_PLAN_STEPS          number of steps
SN_ORG, SN_CALL_FOR    the organisation and who the call is for (user or team:<id>)
SN_FALLBACK            1 when routing did not answer
SN_MAILBOX_ACCESS      1 when the number dialled is a mailbox number (§3.1.1): the
                       dialplan goes to sn-mailbox-access (greeting, star to sign in)
SN_S<i>_KIND           ring, pc_ring, queue, voicemail, greeting_then_hang_up, offer_transfer
SN_S<i>_DIAL           ring/queue/offer_transfer: the Dial() string (targets joined with &;
                       a desk phone registered here is PJSIP/<endpoint>, not the template);
                       offer_transfer dials Local/<smartnumber>@sn-incoming (stays inside);
                       a screened step dials each target through Local/<number>@sn-target,
                       so the introduction knows who answers
__SN_DIAL_<digits>     the real dial string of each screened target (inherited by Local channels)
SN_S<i>_TIMEOUT        ring seconds
SN_S<i>_SCREEN         1 when the answering party hears a call introduction first
SN_S<i>_MAILBOX        voicemail/greeting: whose mailbox
SN_S<i>_GREETING       today, permanent, system or extended_absence
SN_S<i>_MAXWAIT        queue: longest wait in seconds
"""

from __future__ import annotations

from collections.abc import Mapping

from smartnumbers_contracts import routing as wire

from smartnumbers_gateway.asterisk.numbers import dial_string


def plan_variables(
    plan: wire.RoutingPlan, template: str, desk_phones: Mapping[str, str] | None = None
) -> dict[str, str]:
    """``desk_phones`` (number → PJSIP endpoint): the desk phones of this Asterisk, dialled directly."""
    variables = {
        "SN_PLAN_STEPS": str(len(plan.steps)),
        "SN_ORG": plan.organisation_id or "",
        "SN_CALL_FOR": (f"team:{plan.call_for}" if plan.call_for_kind == "team" else plan.call_for) or "",
        "SN_FALLBACK": "1" if plan.fallback else "0",
        "SN_MAILBOX_ACCESS": "1" if plan.mailbox_access else "0",
    }
    for i, step in enumerate(plan.steps, 1):
        prefix = f"SN_S{i}_"
        variables[prefix + "KIND"] = step.kind.value
        screened = any(step.introductions)
        if step.targets and screened:
            variables[prefix + "DIAL"] = "&".join(f"Local/{t}@sn-target" for t in step.targets if t)
            for target in step.targets:
                variables[f"__SN_DIAL_{target.lstrip('+')}"] = dial_string(template, [target], desk_phones)
        elif step.targets and step.kind == wire.StepKind.OFFER_TRANSFER:
            # The delegate is a user of the platform: the call is routed to their smartnumber
            # again inside Asterisk, never out through the trunk and back.
            variables[prefix + "DIAL"] = "&".join(f"Local/{t}@sn-incoming" for t in step.targets if t)
        elif step.targets:
            variables[prefix + "DIAL"] = dial_string(template, step.targets, desk_phones)
        if step.ring_seconds:
            variables[prefix + "TIMEOUT"] = str(step.ring_seconds)
        if screened:
            variables[prefix + "SCREEN"] = "1"
        if step.mailbox:
            variables[prefix + "MAILBOX"] = step.mailbox
        if step.greeting:
            variables[prefix + "GREETING"] = step.greeting
        if step.max_wait_seconds:
            variables[prefix + "MAXWAIT"] = str(step.max_wait_seconds)
    return variables
