"""Call Manager (§7): the calls ringing for you, live, with the caller looked up in the directory;
Accept, Please Hold, Delegate, Voicemail, Hang up; an enquiry call. While the page is open it is
connected as your Call Manager (PC ring rings it, with sound: ``static/call_manager.js``)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from html import escape
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from fastapi.templating import Jinja2Templates
from smartnumbers_kit.bounds import MAX_NUMBER
from smartnumbers_web.api import Api, ApiError
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from starlette.background import BackgroundTask

router = APIRouter(include_in_schema=False)
ACTIONS = {
    "accept": "Accepted: the call is put through to your location.",
    "hold": (
        "The caller hears Please Hold. Make your enquiry call (below), then click Accept to speak to the"
        " caller again."
    ),
    "delegate": "Sent to your delegate.",
    "voicemail": "Sent to your voicemail.",
    "hang-up": "Hung up.",
}
AT_ONCE = 4  # the guide's Call Manager shows up to four calls at once


@router.get("/call-manager")
async def call_manager(request: Request, session: SignedIn) -> Response:
    return render(request, "call_manager.html", active="call-manager")


@router.post("/call-manager/calls/{call_id}/{action}")
async def act(
    request: Request, call_id: str, action: str, session: SignedIn, _: Csrf, api: ApiClient
) -> Response:
    if action not in ACTIONS:
        return HTMLResponse(f"There is no action {action!r}.", status_code=404)
    try:
        await api.post("gateway", f"/v1/calls/{call_id}/{action}")
    except ApiError as error:
        return HTMLResponse(f"<span class='error'>Not done: {error.detail}</span>")
    return HTMLResponse(ACTIONS[action])


@router.post("/call-manager/enquiry")
async def enquiry(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    to: Annotated[str, Form(max_length=MAX_NUMBER)] = "",
) -> Response:
    """The enquiry call (§7.5.3), also any call from here: the platform rings your location first,
    then the number; a held caller keeps holding until Accept."""
    if not to.strip():
        return HTMLResponse("<span class='error'>Not dialled: type the number to call.</span>")
    try:
        await api.post("gateway", "/v1/click-to-dial", json={"to": to.strip()})
    except ApiError as error:
        return HTMLResponse(f"<span class='error'>Not dialled: {escape(error.detail)}</span>")
    return HTMLResponse(f"Your phone rings first (answer it), then {escape(to.strip())} is called.")


async def _caller(api: Api, started: dict[str, Any]) -> str:
    number = started.get("caller_number")
    if not number:
        return "Unknown caller"
    try:
        found = await api.get("directory", "/v1/reverse-lookup", params={"number": number})
    except ApiError:
        return str(number)
    return f"{found['display_name']} ({number})"


class CallsOnScreen:
    """What one open Call Manager shows: the calls ringing for its user, at most four."""

    def __init__(self, api: Api, templates: Jinja2Templates, user_id: str, csrf: str) -> None:
        self.api, self.templates, self.user_id, self.csrf = api, templates, user_id, csrf
        self.started: dict[str, dict[str, Any]] = {}
        self.shown: set[str] = set()

    def _card(self, call_id: str, caller: str) -> str:
        template = self.templates.get_template("call_card.html")
        return template.render(call_id=call_id, caller=caller, actions=ACTIONS, csrf=self.csrf)

    async def fragments(self, subject: str, event: dict[str, Any]) -> list[tuple[str, str]]:
        call_id = str(event.get("call_id", ""))
        kind = subject.split(".")[2] if subject.count(".") >= 2 else ""
        if kind == "started":
            self.started[call_id] = event
        elif kind == "ringing" and event.get("user_id") == self.user_id:
            if call_id in self.shown or len(self.shown) >= AT_ONCE:
                return []
            self.shown.add(call_id)
            caller = await _caller(self.api, self.started.get(call_id, {}))
            return [("call-ringing", self._card(call_id, caller))]
        elif call_id in self.shown:
            if kind == "answered":
                return [(f"call-{call_id}", "Answered.")]
            if kind == "transferred":
                to = event.get("to_user_id") or event.get("to_number") or "elsewhere"
                return [(f"call-{call_id}", f"Transferred to {to}.")]
            if kind == "voicemail_left":
                return [(f"call-{call_id}", "The caller left a voicemail.")]
            if kind == "ended":
                self.shown.discard(call_id)
                self.started.pop(call_id, None)
                return [(f"call-{call_id}", "Ended.")]
        return []


def _sse(name: str, html: str) -> bytes:
    data = "\n".join(f"data: {line}" for line in html.splitlines() or [""])
    return f"event: {name}\n{data}\n\n".encode()


@router.get("/live/calls")
async def live_calls(request: Request, session: SignedIn, api: ApiClient) -> Response:
    """The gateway's feed of this user's calls, as HTML fragments for htmx's SSE extension."""
    token = await api.token()
    outgoing = api.http.build_request(
        "GET",
        api.url("gateway", "/v1/calls/feed"),
        headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"},
        timeout=None,
    )
    upstream = await api.http.send(outgoing, stream=True)
    if upstream.status_code != 200:
        await upstream.aclose()
        return Response(status_code=204)
    screen = CallsOnScreen(api, request.app.state.templates, session.user_id or "", session.csrf)

    async def events() -> AsyncIterator[bytes]:
        yield b": connected\n\n"
        subject = ""
        async for line in upstream.aiter_lines():
            if line.startswith("event:"):
                subject = line[6:].strip()
            elif line.startswith("data:"):
                for name, html in await screen.fragments(subject, json.loads(line[5:])):
                    yield _sse(name, html)
            elif line.startswith(":"):
                yield b": keepalive\n\n"

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        background=BackgroundTask(upstream.aclose),
    )
