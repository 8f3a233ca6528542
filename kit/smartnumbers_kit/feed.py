"""Live feeds for web pages: a domain's events for one organisation, as Server-Sent Events.

Each SSE ``id`` is the JetStream stream sequence, so a browser that reconnects with
``Last-Event-ID`` resumes exactly after the last event it saw.

Feeds end as soon as the process is asked to stop (SIGTERM, Ctrl-C): uvicorn waits for
open responses before it shuts the application down, and a feed never ends by itself,
so every open feed is closed at the signal, and the browser reconnects to another instance.
"""

from __future__ import annotations

import asyncio
import json
import signal
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from smartnumbers_kit.bus import stream_name

KEEPALIVE_SECONDS = 15.0


Shown = Callable[[dict[str, Any]], bool]
Seen = Callable[[str, dict[str, Any]], dict[str, Any] | None]
"""What one subscriber may see of an event, by subject and payload: the payload, a reduced copy, or None."""


@dataclass(frozen=True)
class Visibility:
    """What a reader not entitled to everything sees of a domain's events, declared by subject.

    ``sent`` maps each subject such a reader receives to the fields removed from it first
    (empty: the event whole). An event whose subject is not listed is not sent at all, so a
    new kind of event stays private until someone declares who may see it."""

    sent: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def seen(self, subject: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        hidden = self.sent.get(subject)
        if hidden is None:
            return None
        return {k: v for k, v in payload.items() if k not in hidden} if hidden else payload


_stopping: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = weakref.WeakKeyDictionary()


def stopping() -> asyncio.Event:
    """Set when this process is asked to stop: SIGTERM or SIGINT, before the server's own handler.

    Chains to the handler in place when the first feed opens (uvicorn's, which then waits
    for open responses to finish: this is what lets them finish).
    """
    loop = asyncio.get_running_loop()
    event = _stopping.get(loop)
    if event is None:
        event = _stopping[loop] = asyncio.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                previous = signal.getsignal(sig)

                def handler(number: int, frame: object, previous: Any = previous) -> None:
                    loop.call_soon_threadsafe(event.set)
                    if callable(previous):
                        previous(number, frame)
                    elif previous == signal.SIG_DFL and number == signal.SIGINT:
                        raise KeyboardInterrupt

                signal.signal(sig, handler)
    return event


async def _events(
    request: Request,
    js: JetStreamContext,
    domain: str,
    organisation_id: str,
    after: int | None,
    shown: Shown | None = None,
    seen: Seen | None = None,
) -> AsyncIterator[bytes]:
    if after is None:
        config = ConsumerConfig(deliver_policy=DeliverPolicy.NEW)
    else:
        config = ConsumerConfig(deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=after + 1)
    subscription = await js.subscribe(
        f"{domain}.>", ordered_consumer=True, config=config, stream=stream_name(domain)
    )
    stop = asyncio.ensure_future(stopping().wait())
    try:
        yield b": connected\n\n"
        while not stop.done() and not await request.is_disconnected():
            following = asyncio.ensure_future(subscription.next_msg(timeout=KEEPALIVE_SECONDS))
            await asyncio.wait({following, stop}, return_when=asyncio.FIRST_COMPLETED)
            if not following.done():
                following.cancel()
                await asyncio.gather(following, return_exceptions=True)
                break
            try:
                message = following.result()
            except (NatsTimeoutError, TimeoutError):
                yield b": keepalive\n\n"
                continue
            payload = json.loads(message.data)
            if payload.get("organisation_id") != organisation_id or (shown and not shown(payload)):
                continue
            data = message.data.decode()
            if seen is not None:
                visible = seen(message.subject, payload)
                if visible is None:
                    continue
                if visible is not payload:
                    data = json.dumps(visible, separators=(",", ":"))
            sequence = message.metadata.sequence.stream
            yield (f"id: {sequence}\nevent: {message.subject}\ndata: {data}\n\n").encode()
    except asyncio.CancelledError:
        pass
    finally:
        stop.cancel()
        await subscription.unsubscribe()


def sse_response(
    request: Request,
    js: JetStreamContext,
    domain: str,
    organisation_id: str,
    shown: Shown | None = None,
    seen: Seen | None = None,
) -> StreamingResponse:
    """``shown``: a further filter on each event's payload (say, only one user's calls);
    ``seen``: what this subscriber may see of each event (say, a ``Visibility``'s ``seen``)."""
    last = request.headers.get("last-event-id")
    after = int(last) if last and last.isdigit() else None
    return StreamingResponse(
        _events(request, js, domain, organisation_id, after, shown, seen),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
