"""Live feeds for web pages: a domain's events for one organisation, as Server-Sent Events.

Each SSE ``id`` is the JetStream stream sequence, so a browser that reconnects with
``Last-Event-ID`` resumes exactly after the last event it saw.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

KEEPALIVE_SECONDS = 15.0


Shown = Callable[[dict[str, Any]], bool]


async def _events(
    request: Request,
    js: JetStreamContext,
    domain: str,
    organisation_id: str,
    after: int | None,
    shown: Shown | None = None,
) -> AsyncIterator[bytes]:
    if after is None:
        config = ConsumerConfig(deliver_policy=DeliverPolicy.NEW)
    else:
        config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=after + 1)
    subscription = await js.subscribe(f"{domain}.>", ordered_consumer=True, config=config)
    try:
        yield b": connected\n\n"
        while not await request.is_disconnected():
            try:
                message = await subscription.next_msg(timeout=KEEPALIVE_SECONDS)
            except (NatsTimeoutError, TimeoutError):
                yield b": keepalive\n\n"
                continue
            payload = json.loads(message.data)
            if payload.get("organisation_id") != organisation_id or (shown and not shown(payload)):
                continue
            sequence = message.metadata.sequence.stream
            yield (f"id: {sequence}\nevent: {message.subject}\ndata: {message.data.decode()}\n\n").encode()
    except asyncio.CancelledError:
        pass
    finally:
        await subscription.unsubscribe()


def sse_response(
    request: Request, js: JetStreamContext, domain: str, organisation_id: str, shown: Shown | None = None
) -> StreamingResponse:
    """``shown``: a further filter on each event's payload (say, only one user's calls)."""
    last = request.headers.get("last-event-id")
    after = int(last) if last and last.isdigit() else None
    return StreamingResponse(
        _events(request, js, domain, organisation_id, after, shown),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
