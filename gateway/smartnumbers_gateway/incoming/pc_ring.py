"""PC ring (§3.6.1, §7.5.2): the caller hears ringing while the user's Call Manager offers the call.

``AGI(agi://gateway/pc-ring,<call id>,<step>)`` publishes ``gateway.call.ringing.v1`` for the
user (no phone number: it rings at the PC); the Call Manager sees it on its live feed
(``GET /v1/calls/feed``) and answers with one of its actions (``call_manager.py``), which
redirect this channel. With no choice within the ring time the plan's next step runs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from smartnumbers_contracts import calls
from smartnumbers_kit.feed import sse_response

from smartnumbers_gateway.asterisk.fastagi import AgiRequest
from smartnumbers_gateway.http.deps import Bus, CurrentPrincipal
from smartnumbers_gateway.incoming.plans import PlansInFlight

router = APIRouter(prefix="/v1", tags=["call control"])


class PcRing:
    def __init__(self, plans: PlansInFlight, announce: Callable[[calls.CallRinging], None]) -> None:
        self.plans = plans
        self.announce = announce

    async def __call__(self, request: AgiRequest) -> None:
        args = [*request.args, "", ""]
        call_id, step = args[0], int(args[1]) if args[1].isdigit() else 0
        plan = self.plans.get(call_id)
        if plan is None or not plan.organisation_id or not 1 <= step <= len(plan.steps):
            return
        for user_id in plan.steps[step - 1].answered_by:
            self.announce(
                calls.CallRinging(
                    event_id=uuid5(NAMESPACE_URL, f"smartnumbers:gateway:{call_id}:pc-ring:{step}:{user_id}"),
                    organisation_id=plan.organisation_id,
                    occurred_at=datetime.now(UTC),
                    call_id=call_id,
                    target_number=None,
                    user_id=user_id,
                )
            )


@router.get(
    "/calls/feed",
    response_class=StreamingResponse,
    summary="Call Manager's live view: the calls ringing for you and what happens to them (SSE)",
)
async def feed(request: Request, principal: CurrentPrincipal, js: Bus) -> StreamingResponse:
    mine: set[str] = set()

    def shown(event: dict) -> bool:
        # A call is mine once it rings for me; its later events follow it.
        who = (event.get("user_id"), event.get("to_user_id"), event.get("intended_user_id"))
        if principal.user_id in who:
            mine.add(event.get("call_id", ""))
        return event.get("call_id") in mine

    return sse_response(request, js, "gateway", principal.organisation_id, shown, without_the_plan)


def without_the_plan(subject: str, event: dict[str, Any]) -> dict[str, Any]:
    """What the Call Manager is sent of a call event: not the routing plan that travels with a
    call's start for routing's record of why (the steps' numbers and the reasons are routing's
    to show, in the call's why, to those who may see it)."""
    return {k: v for k, v in event.items() if k != "plan"} if "plan" in event else event
