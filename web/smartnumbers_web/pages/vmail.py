"""VMail: New / Saved / Old messages, played in the page; save, delete, urgent, archive, forward or
divert (with a recorded annotation), reply, send a voicemail (§5.3, §5.4); Delete asks first. The
faxes on the same page are ``faxes.py``'s (§5.7)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from smartnumbers_kit.http import body_limit
from smartnumbers_web.api import ApiError, error_of
from smartnumbers_web.bounds import RECIPIENTS, PathId, Recipients
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from smartnumbers_web.pages.confirm import CONFIRMED, confirmation
from smartnumbers_web.pages.recipients import NotRecipients, recipients

router = APIRouter(include_in_schema=False)
MAILBOX = "/v1/mailboxes/users/me"
FOLDERS = {"new": "New", "saved": "Saved", "old": "Old"}
MessageId = PathId
RECORDINGS = ("audio/webm", "audio/ogg", "audio/wav", "audio/mpeg")  # what the mailbox takes


def recipient(text: str) -> str:
    """``bob`` → ``user:bob``; ``team:sales`` and ``user:bob`` stay as they are."""
    text = text.strip()
    return text if ":" in text else f"user:{text}"


async def vmail_page(request: Request, api: ApiClient, folder: str = "new", **context: Any) -> Response:
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
    return await vmail_page(request, api, folder)


async def act(request: Request, api: ApiClient, folder: str, method: str, path: str, **kw: Any) -> Response:
    folder = folder if folder in FOLDERS else "new"
    try:
        await api.json(method, "mailbox", f"{MAILBOX}{path}", **kw)
    except ApiError as error:
        return await vmail_page(request, api, folder, error=error.detail, status_code=error.status)
    return RedirectResponse(f"/vmail?folder={folder}", 303)


Folder = Annotated[str, Form(max_length=10)]


@router.post("/vmail/messages/{message_id}/save")
async def save(
    request: Request, message_id: MessageId, _s: SignedIn, _: Csrf, api: ApiClient, folder: Folder
) -> Response:
    return await act(request, api, folder, "PUT", f"/messages/{message_id}/folder", json={"folder": "saved"})


def _confirmation(request: Request, message: dict[str, Any], folder: str) -> Response:
    who = message.get("caller_name") or message.get("caller_number") or message.get("sender_user_id")
    return confirmation(
        request,
        question=f"Delete the message from {who or 'an unknown caller'}?",
        consequence=f"It was left {message['arrived_local']}. A deleted message cannot be played again.",
        action=f"/vmail/messages/{message['id']}/delete",
        button="Yes, delete the message",
        cancel=f"/vmail?folder={folder}",
        fields=[("folder", folder)],
        active="vmail",
    )


@router.get("/vmail/messages/{message_id}/delete")
async def confirm_delete(
    request: Request, message_id: MessageId, _s: SignedIn, api: ApiClient, folder: str = "new"
) -> Response:
    """Delete asks first (a page of its own, §5.3.7); reading the envelope does not make it Old."""
    message = await api.get("mailbox", f"{MAILBOX}/messages/{message_id}")
    return _confirmation(request, message, folder if folder in FOLDERS else "new")


@router.post("/vmail/messages/{message_id}/delete")
async def delete(
    request: Request,
    message_id: MessageId,
    _s: SignedIn,
    _: Csrf,
    api: ApiClient,
    folder: Folder,
    confirmed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    if confirmed != CONFIRMED:  # not asked yet (a form without the confirm step)
        message = await api.get("mailbox", f"{MAILBOX}/messages/{message_id}")
        return _confirmation(request, message, folder if folder in FOLDERS else "new")
    return await act(request, api, folder, "DELETE", f"/messages/{message_id}")


@router.post("/vmail/messages/{message_id}/urgent")
async def urgent(
    request: Request,
    message_id: MessageId,
    _s: SignedIn,
    _: Csrf,
    api: ApiClient,
    folder: Folder,
    urgent: Annotated[bool, Form()] = False,
) -> Response:
    return await act(request, api, folder, "PUT", f"/messages/{message_id}/urgent", json={"urgent": urgent})


@router.post("/vmail/messages/{message_id}/archive")
async def archive(
    request: Request, message_id: MessageId, _s: SignedIn, _: Csrf, api: ApiClient, folder: Folder
) -> Response:
    return await act(request, api, folder, "POST", f"/messages/{message_id}/archive")


@router.post("/vmail/messages/{message_id}/forward")
async def forward(
    request: Request,
    message_id: MessageId,
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
        return await vmail_page(request, api, folder, error=str(refused), status_code=422)
    return await act(request, api, folder, "POST", f"/messages/{message_id}/forward", params=params)


def not_a_recording(request: Request) -> Response | None:
    """The recorder's routes take a recording as the body; anything else (a form, say) is a 415
    in words, before any service is asked."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in RECORDINGS:
        return None
    detail = (
        f"Send a recording ({', '.join(RECORDINGS)}) as the page's recorder does, not {kind or 'nothing'}."
    )
    return JSONResponse({"detail": detail}, status_code=415)


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
    message_id: MessageId,
    _s: SignedIn,
    _: Csrf,
    api: ApiClient,
    to: Annotated[str, Query(max_length=RECIPIENTS)] = "",
    keep: bool = False,
) -> Response:
    if wrong := not_a_recording(request):
        return wrong
    try:
        params = {"to": await recipients(api, to), "keep": str(keep).lower()}
    except NotRecipients as refused:
        return JSONResponse({"detail": str(refused)}, status_code=422)
    return await _recorded(request, api, f"{MAILBOX}/messages/{message_id}/forward", params)


@router.post("/vmail/messages/{message_id}/reply")
@body_limit()  # a recording from the page's recorder
async def reply(request: Request, message_id: MessageId, _s: SignedIn, _: Csrf, api: ApiClient) -> Response:
    if wrong := not_a_recording(request):
        return wrong
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
    if wrong := not_a_recording(request):
        return wrong
    try:
        targets = await recipients(api, to)
    except NotRecipients as refused:
        return JSONResponse({"detail": str(refused)}, status_code=422)
    return await _recorded(request, api, "/v1/voicemails", {"to": targets, "urgent": str(urgent).lower()})
