"""Asking routing where a call goes (the gateway's side), with a deadline and a safe fallback."""

from __future__ import annotations

import logging

from nats.aio.client import Client
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeoutError
from pydantic import ValidationError
from smartnumbers_contracts import routing as wire

log = logging.getLogger(__name__)


async def ask_for_plan(nc: Client, request: wire.PlanRequest, timeout: float = 0.5) -> wire.RoutingPlan:
    """The plan for a call; voicemail (``fallback=True``) if routing is absent, slow or unreadable."""
    try:
        reply = await nc.request(
            wire.PLAN_REQUEST_SUBJECT, request.model_dump_json().encode(), timeout=timeout
        )
        return wire.RoutingPlan.model_validate_json(reply.data)
    except NoRespondersError:
        reason = "no routing service is running"
    except (NatsTimeoutError, TimeoutError):
        reason = f"no answer within {timeout * 1000:.0f} ms"
    except ValidationError as e:
        reason = f"unreadable answer: {e.error_count()} error(s)"
    except Exception as e:  # NATS away, connection closed…
        reason = f"the bus is unavailable ({type(e).__name__})"
    log.warning("call %s to %s: %s; voicemail", request.call_id, request.dialled, reason)
    return wire.fallback_plan(request, reason)
