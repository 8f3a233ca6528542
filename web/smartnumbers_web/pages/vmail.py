"""VMail: New / Saved / Old messages, played in the page; save, delete, urgent, archive, forward or
divert (with a recorded annotation), reply, send a voicemail (§5.3, §5.4); faxes as page images (§5.7)."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from PIL import Image, ImageSequence
from smartnumbers_kit.bounds import MAX_ID
from smartnumbers_kit.http import body_limit
from smartnumbers_web.api import ApiError, error_of
from smartnumbers_web.bounds import RECIPIENTS, Recipients
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from smartnumbers_web.pages.recipients import NotRecipients, recipients
from starlette.concurrency import run_in_threadpool

router = APIRouter(include_in_schema=False)
MAILBOX = "/v1/mailboxes/users/me"
FOLDERS = {"new": "New", "saved": "Saved", "old": "Old"}


def recipient(text: str) -> str:
    """``bob`` → ``user:bob``; ``team:sales`` and ``user:bob`` stay as they are."""
    text = text.strip()
    return text if ":" in text else f"user:{text}"


async def _page(request: Request, api: ApiClient, folder: str = "new", **context: Any) -> Response:
    mailbox = await api.get("mailbox", MAILBOX)
    messages = [m for m in await api.get("mailbox", f"{MAILBOX}/messages") if m["folder"] == folder]
    faxes = await api.get("mailbox", f"{MAILBOX}/faxes")
    return render(
        request,
        "vmail.html",
        active="vmail",
        mailbox=mailbox,
        folder=folder,
        folders=FOLDERS,
        messages=messages,
        faxes=faxes,
        **context,
    )


@router.get("/vmail")
async def vmail(request: Request, session: SignedIn, api: ApiClient, folder: str = "new") -> Response:
    if folder not in FOLDERS:
        folder = "new"
    return await _page(request, api, folder)


async def _act(request: Request, api: ApiClient, folder: str, method: str, path: str, **kw: Any) -> Response:
    try:
        await api.json(method, "mailbox", f"{MAILBOX}{path}", **kw)
    except ApiError as error:
        return await _page(request, api, folder, error=error.detail, status_code=error.status)
    return RedirectResponse(f"/vmail?folder={folder}", 303)


Folder = Annotated[str, Form(max_length=10)]


@router.post("/vmail/messages/{message_id}/save")
async def save(
    request: Request, message_id: str, _s: SignedIn, _: Csrf, api: ApiClient, folder: Folder
) -> Response:
    return await _act(request, api, folder, "PUT", f"/messages/{message_id}/folder", json={"folder": "saved"})


@router.post("/vmail/messages/{message_id}/delete")
async def delete(
    request: Request, message_id: str, _s: SignedIn, _: Csrf, api: ApiClient, folder: Folder
) -> Response:
    return await _act(request, api, folder, "DELETE", f"/messages/{message_id}")


@router.post("/vmail/messages/{message_id}/urgent")
async def urgent(
    request: Request,
    message_id: str,
    _s: SignedIn,
    _: Csrf,
    api: ApiClient,
    folder: Folder,
    urgent: Annotated[bool, Form()] = False,
) -> Response:
    return await _act(request, api, folder, "PUT", f"/messages/{message_id}/urgent", json={"urgent": urgent})


@router.post("/vmail/messages/{message_id}/archive")
async def archive(
    request: Request, message_id: str, _s: SignedIn, _: Csrf, api: ApiClient, folder: Folder
) -> Response:
    return await _act(request, api, folder, "POST", f"/messages/{message_id}/archive")


@router.post("/vmail/messages/{message_id}/forward")
async def forward(
    request: Request,
    message_id: str,
    _s: SignedIn,
    _: Csrf,
    api: ApiClient,
    folder: Folder,
    to: Recipients = "",
    keep: Annotated[bool, Form()] = False,
) -> Response:
    """Forward without an annotation (with one, the recorder sends straight to the mailbox)."""
    try:
        params = {"to": await recipients(api, to), "keep": str(keep).lower()}
    except NotRecipients as refused:
        return await _page(request, api, folder, error=str(refused), status_code=422)
    return await _act(request, api, folder, "POST", f"/messages/{message_id}/forward", params=params)


@router.post("/vmail/faxes/{fax_id}/save")
async def save_fax(request: Request, fax_id: str, _s: SignedIn, _: Csrf, api: ApiClient) -> Response:
    return await _act(request, api, "new", "POST", f"/faxes/{fax_id}/save")


@router.post("/vmail/faxes/{fax_id}/delete")
async def delete_fax(request: Request, fax_id: str, _s: SignedIn, _: Csrf, api: ApiClient) -> Response:
    return await _act(request, api, "new", "DELETE", f"/faxes/{fax_id}")


@router.post("/vmail/faxes/{fax_id}/forward")
async def forward_fax(
    request: Request,
    fax_id: str,
    _s: SignedIn,
    _: Csrf,
    api: ApiClient,
    to: Annotated[str, Form(max_length=MAX_ID)] = "",
) -> Response:
    if not to.strip():
        return await _page(request, api, error="Say who to copy the fax to.", status_code=422)
    return await _act(request, api, "new", "POST", f"/faxes/{fax_id}/forward", params={"to": recipient(to)})


def tiff_page_png(tiff: bytes, page: int) -> bytes | None:
    """One page of a fax (TIFF, which browsers do not show) as PNG, with Pillow."""
    with Image.open(io.BytesIO(tiff)) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number == page:
                out = io.BytesIO()
                frame.convert("L").save(out, "PNG")
                return out.getvalue()
    return None


@router.get("/vmail/faxes/{fax_id}/pages/{page}.png")
async def fax_page(fax_id: str, page: int, _s: SignedIn, api: ApiClient) -> Response:
    r = await api.call("GET", "mailbox", f"{MAILBOX}/faxes/{fax_id}/image")
    if r.status_code != 200:
        return Response(status_code=r.status_code)
    png = await run_in_threadpool(tiff_page_png, r.content, page)
    if png is None:
        return Response(status_code=404)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


async def _recorded(request: Request, api: ApiClient, path: str, params: dict[str, Any]) -> Response:
    """A recording from the page's recorder, passed on to the mailbox; JSON errors for the script."""
    r = await api.call(
        "POST",
        "mailbox",
        path,
        params=params,
        content=await request.body(),
        headers={"Content-Type": request.headers.get("content-type", "application/octet-stream")},
    )
    if r.status_code >= 400:  # one sentence for the page's status line, also for a validation error
        return JSONResponse({"detail": error_of(r).detail}, status_code=r.status_code)
    return Response(r.content, status_code=r.status_code, media_type="application/json")


@router.post("/vmail/messages/{message_id}/forward-annotated")
@body_limit()  # a recording from the page's recorder
async def forward_annotated(
    request: Request,
    message_id: str,
    _s: SignedIn,
    _: Csrf,
    api: ApiClient,
    to: Annotated[str, Query(max_length=RECIPIENTS)] = "",
    keep: bool = False,
) -> Response:
    try:
        params = {"to": await recipients(api, to), "keep": str(keep).lower()}
    except NotRecipients as refused:
        return JSONResponse({"detail": str(refused)}, status_code=422)
    return await _recorded(request, api, f"{MAILBOX}/messages/{message_id}/forward", params)


@router.post("/vmail/messages/{message_id}/reply")
@body_limit()  # a recording from the page's recorder
async def reply(request: Request, message_id: str, _s: SignedIn, _: Csrf, api: ApiClient) -> Response:
    return await _recorded(request, api, f"{MAILBOX}/messages/{message_id}/reply", {})


@router.post("/vmail/send")
@body_limit()  # a recording from the page's recorder
async def send(
    request: Request,
    _s: SignedIn,
    _: Csrf,
    api: ApiClient,
    to: Annotated[str, Query(max_length=RECIPIENTS)] = "",
    urgent: bool = False,
) -> Response:
    try:
        targets = await recipients(api, to)
    except NotRecipients as refused:
        return JSONResponse({"detail": str(refused)}, status_code=422)
    return await _recorded(request, api, "/v1/voicemails", {"to": targets, "urgent": str(urgent).lower()})
