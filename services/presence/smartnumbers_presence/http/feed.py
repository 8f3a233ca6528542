"""The live feed of an organisation's presence changes (Server-Sent Events)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from smartnumbers_kit.auth import CurrentPrincipal
from smartnumbers_kit.errors import DomainError
from smartnumbers_kit.feed import sse_response

from smartnumbers_presence.http.colleagues import feed_seen_by

router = APIRouter(prefix="/v1", tags=["presence"])


class FeedUnavailable(DomainError):
    status = 503
    code = "unavailable"


@router.get(
    "/presence/feed",
    summary="Live presence changes of your organisation (text/event-stream); "
    "of colleagues, only what a colleague may read (no numbers)",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Server-Sent Events, resumable with `Last-Event-ID`",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        }
    },
)
async def presence_feed(request: Request, principal: CurrentPrincipal) -> StreamingResponse:
    runtime = request.app.state.runtime
    if runtime.js is None:
        raise FeedUnavailable("the live feed is not available yet: the bus is not connected")
    return sse_response(
        request, runtime.js, "presence", principal.organisation_id, seen=feed_seen_by(principal)
    )
