"""An incoming call to a smartnumber or team number: one short FastAGI conversation.

Ask routing for the plan (with a deadline: voicemail if it does not answer), set the plan
as channel variables, return. The dialplan then rings with Dial() and walks the steps.
The plan is kept (by call id) for the introduction asked for on the answering leg.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from uuid import NAMESPACE_URL, uuid5

from nats.aio.client import Client
from prometheus_client import Histogram
from smartnumbers_contracts import calls
from smartnumbers_contracts import routing as wire
from smartnumbers_kit.plans import ask_for_plan

from smartnumbers_gateway.asterisk.fastagi import AgiRequest
from smartnumbers_gateway.asterisk.numbers import UNKNOWN, e164
from smartnumbers_gateway.asterisk.plan_variables import plan_variables
from smartnumbers_gateway.incoming.plans import PlansInFlight

log = logging.getLogger(__name__)
cached_e164 = functools.lru_cache(maxsize=65536)(e164)
"""phonenumbers' parse and format cost tens of µs per number; the dialled numbers always recur."""
DECIDED = Histogram(
    "gateway_incoming_seconds",
    "FastAGI incoming call: connection to last variable set",
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1),
)


def call_started(plan: wire.RoutingPlan, caller: str | None) -> calls.CallStarted | None:
    """The call event for a planned call (routing keeps its record, and the plan as its record of
    why, from it).

    A call to a mailbox number (§3.1.1) is intended for nobody: it is mostly the owner
    signing in, which is neither a call for them nor a lost one."""
    if not plan.organisation_id or not plan.call_id:
        return None
    intended = plan.call_for if not plan.mailbox_access else None
    return calls.CallStarted(
        event_id=uuid5(NAMESPACE_URL, f"smartnumbers:gateway:{plan.call_id}:started"),
        organisation_id=plan.organisation_id,
        occurred_at=datetime.now(UTC),
        call_id=plan.call_id,
        direction=calls.Direction.INBOUND,
        caller_number=caller,
        dialled=plan.dialled,
        intended_user_id=intended if plan.call_for_kind == "user" else None,
        intended_team_id=intended if plan.call_for_kind == "team" else None,
        plan=plan,
    )


class IncomingCalls:
    def __init__(
        self,
        nc: Client,
        dial_template: str,
        routing_timeout: float,
        plans: PlansInFlight,
        announce: Callable[[calls.CallStarted], None] | None = None,
        desk_phones: Mapping[str, str] | None = None,
    ) -> None:
        self.nc = nc
        self.desk_phones = desk_phones if desk_phones is not None else {}
        """A desk phone's number → its PJSIP endpoint (sip_status.py, kept current by AMI)."""
        self.dial_template = dial_template
        self.routing_timeout = routing_timeout
        self.plans = plans
        self.announce = announce

    async def __call__(self, request: AgiRequest) -> None:
        """``AGI(agi://gateway/incoming,${EXTEN},${CHANNEL(linkedid)})``"""
        started = time.perf_counter()
        args = request.args
        dialled = cached_e164(args[0] if args else request.headers.get("agi_extension"))
        call_id = args[1] if len(args) > 1 and args[1] else request.headers.get("agi_uniqueid", "")
        if dialled is None:
            await request.set_variables({"SN_PLAN_STEPS": "0"})
            log.warning("call %s: no dialled number in %r", call_id, args)
            return
        plan = await self.ask(request, dialled, call_id)
        await self.follow(request, plan, call_id)
        DECIDED.observe(time.perf_counter() - started)

    async def ask(self, request: AgiRequest, dialled: str, call_id: str) -> wire.RoutingPlan:
        """Routing's plan for a call to ``dialled`` from this channel's caller."""
        name = request.headers.get("agi_calleridname", "")
        return await ask_for_plan(
            self.nc,
            wire.PlanRequest(
                call_id=call_id,
                dialled=dialled,
                caller_number=cached_e164(request.headers.get("agi_callerid")),
                caller_name=None if name.lower() in UNKNOWN else name,
                at=datetime.now(UTC),
            ),
            timeout=self.routing_timeout,
        )

    async def follow(
        self, request: AgiRequest, plan: wire.RoutingPlan, call_id: str, also: dict[str, str] | None = None
    ) -> None:
        """The call follows ``plan``: kept, announced, and set as channel variables (with ``also``)."""
        self.plans.remember(plan)
        if request.headers.get("agi_channel"):
            self.plans.remember_channel(call_id, request.headers["agi_channel"])
        started_event = call_started(plan, cached_e164(request.headers.get("agi_callerid")))
        if self.announce is not None and started_event is not None:
            self.announce(started_event)
        await request.set_variables(
            {**plan_variables(plan, self.dial_template, self.desk_phones), **(also or {})}
        )
