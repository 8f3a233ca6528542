"""The gateway's question on the bus: where does this call go? Answered from memory, in the loop."""

from __future__ import annotations

import logging
import time

from nats.aio.client import Client
from nats.aio.msg import Msg
from prometheus_client import Histogram
from pydantic import ValidationError
from smartnumbers_contracts import routing as wire
from smartnumbers_kit import bus

from smartnumbers_routing.planner import Planner

log = logging.getLogger(__name__)

DECISION = Histogram(
    "routing_decision_seconds",
    "Time to decide a plan (request in, reply out)",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05),
)


class PlanResponder:
    def __init__(self, planner: Planner) -> None:
        self.planner = planner
        self._subscription = None

    async def start(self, nc: Client, _js: object) -> None:
        # A queue group: with several routing replicas, each request is answered once.
        self._subscription = await nc.subscribe(wire.PLAN_REQUEST_SUBJECT, queue="routing", cb=self._answer)
        await bus.subscribed(nc)  # ready means a plan request finds this replica

    async def stop(self) -> None:
        if self._subscription is not None:
            await self._subscription.unsubscribe()

    async def _answer(self, message: Msg) -> None:
        started = time.perf_counter()
        try:
            request = wire.PlanRequest.model_validate_json(message.data)
        except ValidationError as e:
            log.error("unreadable plan request: %s", e)
            return
        try:
            plan = self.planner.plan(request)
        except Exception:
            log.exception("deciding call %s failed; answering voicemail", request.call_id)
            plan = wire.fallback_plan(request, "it failed to decide")
        await message.respond(plan.model_dump_json().encode())
        DECISION.observe(time.perf_counter() - started)
