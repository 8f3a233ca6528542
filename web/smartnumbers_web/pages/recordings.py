"""Recordings: your name, permanent, today's and extended-absence greetings (§5.1, §3.9).

Recording happens in the browser (``static/recorder.js``), which sends the recording to
``/api/mailbox/…`` on this origin; a file can be uploaded instead, or the platform calls you to
record it on the phone ("call me to record"); each plays in the page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import escape
from smartnumbers_web.api import ApiError
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render

router = APIRouter(include_in_schema=False)
MAILBOX = "/v1/mailboxes/users/me"
GREETINGS = {
    "name": ("Your name", "Callers hear it so they know they reached the right person (§5.1.1)."),
    "permanent": ("Permanent greeting", "What callers hear when they reach your voicemail (§5.1.3)."),
    "today": ("Today's greeting", "Played instead of the permanent greeting until midnight (§5.1.5)."),
    "extended_absence": (
        "Extended absence greeting",
        "Played while extended absence is on; callers cannot leave a message (§3.9).",
    ),
}


async def _page(request: Request, api: ApiClient, **context: Any) -> Response:
    mailbox = await api.get("mailbox", MAILBOX)
    recorded = {g["kind"]: g for g in mailbox["greetings"]}
    return render(
        request,
        "recordings.html",
        active="recordings",
        mailbox=mailbox,
        greetings=GREETINGS,
        recorded=recorded,
        **context,
    )


@router.get("/recordings")
async def recordings(request: Request, session: SignedIn, api: ApiClient) -> Response:
    return await _page(request, api)


@router.post("/recordings/{kind}/upload")
async def upload(
    request: Request,
    kind: str,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    recording: Annotated[UploadFile, File()],
) -> Response:
    if kind not in GREETINGS:
        return await _page(request, api, error=f"There is no recording called {kind!r}.", status_code=404)
    data = await recording.read()
    try:
        await api.put(
            "mailbox",
            f"{MAILBOX}/greetings/{kind}",
            content=data,
            headers={"Content-Type": recording.content_type or "application/octet-stream"},
        )
    except ApiError as error:
        return await _page(request, api, error=error.detail, status_code=error.status)
    return RedirectResponse("/recordings", 303)


@router.post("/recordings/{kind}/delete")
async def delete(request: Request, kind: str, session: SignedIn, _: Csrf, api: ApiClient) -> Response:
    if kind not in GREETINGS:
        return await _page(request, api, error=f"There is no recording called {kind!r}.", status_code=404)
    try:
        await api.delete("mailbox", f"{MAILBOX}/greetings/{kind}")
    except ApiError as error:
        return await _page(request, api, error=error.detail, status_code=error.status)
    return RedirectResponse("/recordings", 303)


@router.post("/recordings/extended-absence")
async def extended_absence(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    try:
        await api.put("mailbox", f"{MAILBOX}/extended-absence", json={"enabled": enabled})
    except ApiError as error:
        return await _page(request, api, error=error.detail, status_code=error.status)
    return RedirectResponse("/recordings", 303)


@router.post("/recordings/{kind}/call-me")
async def call_me(request: Request, kind: str, session: SignedIn, _: Csrf, api: ApiClient) -> Response:
    """The platform rings your current location and you record on the phone (§5.1)."""
    if kind not in GREETINGS:
        return HTMLResponse(f"There is no recording called {escape(kind)}.", status_code=404)
    try:
        calling = await api.post("gateway", "/v1/recordings", json={"greeting": kind})
    except ApiError as error:
        return HTMLResponse(f"<span class='error'>Not called: {escape(error.detail)}</span>")
    return HTMLResponse(f"Calling you on {escape(calling['ringing'])}: answer and record after the tone.")
