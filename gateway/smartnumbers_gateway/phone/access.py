"""Dialling a mailbox number (§3.1.1): the owner's greeting, star to sign in, else a message.

``AGI(agi://gateway/mailbox,<mailbox number dialled>,<call id>)`` (the shipped dialplan's
``sn-mailbox-access``). Routing says whose mailbox the number is (``mailbox_access``). Star
during the greeting asks for the password — always, whatever number the call comes from —
checked by the directory, so wrong ones count towards its lockout; three wrong, or the
account locked, and the call ends. Signed in, the new messages play (urgent first), then
the main menu; the session is the menu machine's from there.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import httpx
from nats.aio.client import Client
from smartnumbers_contracts import routing as wire
from smartnumbers_kit.plans import ask_for_plan

from smartnumbers_gateway.asterisk.fastagi import AgiRequest
from smartnumbers_gateway.asterisk.numbers import e164
from smartnumbers_gateway.clients.directory import DirectoryClient
from smartnumbers_gateway.incoming.call import call_started
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_gateway.incoming.voicemail import NOT_TAKING, Voicemail
from smartnumbers_gateway.phone import keys, machine
from smartnumbers_gateway.phone.actions.messages import load_messages
from smartnumbers_gateway.phone.line import Line, Number
from smartnumbers_gateway.phone.session import PhoneSession, Refused, Services

log = logging.getLogger(__name__)
PASSWORD_ATTEMPTS = 3


class MailboxAccess:
    def __init__(
        self,
        nc: Client,
        plans: PlansInFlight,
        services: Services,
        voicemail: Voicemail,
        directory: DirectoryClient,
        routing_timeout: float = 0.5,
    ) -> None:
        self.nc, self.plans, self.services, self.voicemail = nc, plans, services, voicemail
        self.directory = directory
        self.routing_timeout = routing_timeout

    async def __call__(self, request: AgiRequest) -> None:
        args = [*request.args, "", ""]
        dialled, call_id = e164(args[0]), args[1] or request.headers.get("agi_uniqueid", "")
        calling_from = e164(request.headers.get("agi_callerid"))
        await request.command("ANSWER")
        plan = self.plans.get(call_id)  # asked already when the call came through sn-incoming
        if (plan is None or not plan.mailbox_access) and dialled:
            plan = await ask_for_plan(
                self.nc,
                wire.PlanRequest(
                    call_id=call_id,
                    dialled=dialled,
                    caller_number=calling_from,
                    caller_name=request.headers.get("agi_calleridname") or None,
                    at=datetime.now(UTC),
                ),
                self.routing_timeout,
            )
            if plan.mailbox_access:  # reached straight from a trunk context: the call starts here
                self.plans.remember(plan)
                if (started := call_started(plan, calling_from)) is not None:
                    self.voicemail.announce(started)  # type: ignore[arg-type]
        if plan is None or not plan.mailbox_access or not plan.organisation_id or not plan.call_for:
            log.warning("call %s: %s is not a mailbox number", call_id, dialled)
            await request.command(f'STREAM FILE {NOT_TAKING} ""')
            return
        org, owner = plan.organisation_id, plan.call_for
        greeting = await self.voicemail.mailbox.greeting(org, owner)
        if await self.voicemail.play_greeting(request, org, greeting, keys=keys.BACK) != keys.BACK:
            if greeting.takes_messages:
                await self.voicemail.leave_message(request, org, owner, call_id)
            else:
                await request.command(f'STREAM FILE {NOT_TAKING} ""')
            return
        line = Line(request, self.voicemail.spool)
        if not await self._signed_in(line, org, owner):
            await line.play(machine.GOODBYE_PROMPT)
            return
        session = PhoneSession(line, self.services, org, owner, calling_from)
        try:
            await load_messages(session, new_only=True)
        except (Refused, httpx.HTTPError) as e:  # the main menu says what it can
            log.warning("call %s: the new messages of %s cannot be listed: %s", call_id, owner, e)
        start = "main"
        if session.messages:
            await line.play("sn/you-have", Number(len(session.messages)), "sn/new-messages")
            start = "message"
        await machine.run(session, start)

    async def _signed_in(self, line: Line, organisation_id: str, user_id: str) -> bool:
        for _ in range(PASSWORD_ATTEMPTS):
            pin = await line.enter("sn/enter-password", max_digits=12)
            right = await self.directory.pin_check(organisation_id, user_id, pin) if pin else False
            if right is None:
                await line.play("sn/account-locked")
                return False
            if right:
                return True
            await line.play("sn/wrong-password")
        return False
