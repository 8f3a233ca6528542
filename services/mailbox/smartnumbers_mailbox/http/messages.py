"""Voicemail messages: deposit, list in phone order, play, save, mark, forward, reply,
archive, delete (user guide §5.3), and sending a voicemail to users and teams (§5.4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import Field
from smartnumbers_kit.auth import Role
from smartnumbers_kit.bounds import PathKey
from smartnumbers_kit.errors import Forbidden, Invalid
from smartnumbers_kit.http import body_limit, errors
from starlette.concurrency import run_in_threadpool as in_thread

from smartnumbers_mailbox.application import MailboxApplication
from smartnumbers_mailbox.audio import Recording, recording_from_upload
from smartnumbers_mailbox.domain.message import Folder
from smartnumbers_mailbox.http.deps import (
    App,
    Blobs,
    CurrentPrincipal,
    Depositing,
    Listening,
    Managing,
    Now,
    Reached,
    Settings,
    recipients,
)
from smartnumbers_mailbox.http.schemas import Delivered, FolderChoice, MailboxView, Message, UrgentChoice
from smartnumbers_mailbox.http.transfer import read_upload, serve

router = APIRouter(prefix="/v1", tags=["voicemail"])
BASE = "/mailboxes/{kind}/{owner}"
MESSAGE = BASE + "/messages/{message_id}"
BINARY = {"schema": {"type": "string", "format": "binary"}}
AUDIO = {
    "requestBody": {
        "description": "The recording: WAV, or WebM, Ogg or MP3 (converted)",
        "content": {kind: BINARY for kind in ("audio/wav", "audio/webm", "audio/ogg", "audio/mpeg")},
    }
}
TO = Query(
    description="user:<id> or team:<id>, repeated",
    min_length=1,
    max_length=100,
)
NUMBER = r"^\+?[0-9]{2,20}$"
Recipient = Annotated[str, Field(pattern=r"^(user|team):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]


def _message(app: MailboxApplication, at: Reached, message_id: str) -> Message:
    mailbox = app.mailbox(at.org, at.address)
    message = mailbox.message(message_id)
    return Message.of(mailbox, message, at.base, app.callback_number(at.org, message))


def _delivered(found: list[tuple[str, str, str]]) -> list[Delivered]:
    return [Delivered(mailbox=f"{kind}:{owner}", message_id=message_id) for kind, owner, message_id in found]


async def _recording(request: Request, settings: Settings) -> Recording:
    """The request's body as a recording (an empty one is refused with a clear 422)."""
    body = await read_upload(request, settings.max_upload_bytes, "recording")
    return await in_thread(recording_from_upload, body)


async def _annotation(request: Request, settings: Settings) -> Recording | None:
    """The request's body as a spoken annotation, or None when there is none (§5.3.4)."""
    body = await read_upload(request, settings.max_upload_bytes, "annotation")
    return await in_thread(recording_from_upload, body) if body else None


@router.get(BASE, response_model=MailboxView, summary="Counts, greetings and settings of a mailbox")
def read_mailbox(at: Managing, app: App) -> MailboxView:
    return MailboxView.of(app.mailbox(at.org, at.address), at.base)


@router.get(
    BASE + "/messages",
    response_model=list[Message],
    summary="Messages in the order the phone plays them: urgent first, then oldest first",
)
def list_messages(at: Listening, app: App, folder: Folder | None = None) -> list[Message]:
    mailbox = app.mailbox(at.org, at.address)
    return [Message.of(mailbox, m, at.base, app.callback_number(at.org, m)) for m in mailbox.listed(folder)]


@router.post(
    BASE + "/messages",
    response_model=Message,
    status_code=status.HTTP_201_CREATED,
    summary="The gateway deposits what a caller left (body: the recording)",
    openapi_extra=AUDIO,
    responses=errors(409),
)
@body_limit()
async def deposit(
    at: Depositing,
    request: Request,
    app: App,
    settings: Settings,
    now: Now,
    caller_number: str | None = Query(default=None, pattern=NUMBER),
    caller_name: str | None = Query(default=None, max_length=100),
    urgent: bool = False,
) -> Message:
    recording = await _recording(request, settings)
    message_id = await in_thread(
        app.deposit,
        at.org,
        at.address,
        recording,
        now,
        from_caller=True,
        caller_number=caller_number,
        caller_name=caller_name,
        urgent=urgent,
    )
    return _message(app, at, message_id)


@router.post(
    "/voicemails",
    response_model=list[Delivered],
    status_code=status.HTTP_201_CREATED,
    summary="Send a voicemail to users and teams (§5.4): every team member gets it, recorded once",
    openapi_extra=AUDIO,
    responses=errors(404),
)
@body_limit()
async def send(
    request: Request,
    principal: CurrentPrincipal,
    app: App,
    settings: Settings,
    now: Now,
    to: list[Recipient] = TO,
    urgent: bool = False,
    sender: str | None = Query(
        default=None, max_length=64, description="The gateway only: the PIN-signed-in user"
    ),
) -> list[Delivered]:
    targets = recipients(to)
    if principal.role is Role.SERVICE:
        if sender is None:
            raise Invalid("say which signed-in user sends it: sender=<user id>")
        app.mailbox(principal.organisation_id, ("user", sender))
    elif sender not in (None, principal.user_id):
        raise Forbidden("you may send voicemails only as yourself")
    recording = await _recording(request, settings)
    return _delivered(
        await in_thread(
            app.send, principal.organisation_id, sender or principal.user_id, targets, recording, now, urgent
        )
    )


@router.get(MESSAGE, response_model=Message, summary="One message's envelope")
def read_message(message_id: PathKey, at: Listening, app: App) -> Message:
    return _message(app, at, message_id)


@router.get(
    MESSAGE + "/audio",
    summary="Play a message (WAV, range requests); New becomes Old",
    response_class=Response,
    responses={200: {"content": {"audio/wav": {}}}, 206: {}},
)
def play(message_id: PathKey, at: Listening, request: Request, app: App, blobs: Blobs) -> Response:
    message = app.listened(at.org, at.address, message_id)
    return serve(request, blobs, message.sha256, "audio/wav")


@router.put(MESSAGE + "/folder", response_model=Message, summary="Save a message, or mark it new or old")
def move(message_id: PathKey, body: FolderChoice, at: Listening, app: App) -> Message:
    app.move(at.org, at.address, message_id, body.folder)
    return _message(app, at, message_id)


@router.put(MESSAGE + "/urgent", response_model=Message, summary="Mark urgent or not")
def mark_urgent(message_id: PathKey, body: UrgentChoice, at: Listening, app: App) -> Message:
    app.mark_urgent(at.org, at.address, message_id, body.urgent)
    return _message(app, at, message_id)


@router.delete(MESSAGE, status_code=status.HTTP_204_NO_CONTENT, summary="Delete a message")
def delete(message_id: PathKey, at: Listening, app: App) -> None:
    app.delete(at.org, at.address, message_id)


@router.post(
    MESSAGE + "/forward",
    response_model=list[Delivered],
    status_code=status.HTTP_201_CREATED,
    openapi_extra=AUDIO,
    summary="Copy (keep=true) or divert (keep=false), with an optional annotation as the body (§5.3.4)",
)
@body_limit()
async def forward(
    message_id: PathKey,
    at: Listening,
    request: Request,
    app: App,
    settings: Settings,
    now: Now,
    to: list[Recipient] = TO,
    keep: bool = True,
    urgent: bool | None = None,
) -> list[Delivered]:
    targets = recipients(to)
    app.mailbox(at.org, at.address).message(message_id)
    annotation = await _annotation(request, settings)
    # The gateway acts for the owner signed in with their PIN.
    actor = at.address[1] if at.principal.role is Role.SERVICE else at.principal.user_id
    return _delivered(
        await in_thread(
            app.forward,
            at.org,
            actor,
            at.address,
            message_id,
            targets,
            now,
            keep=keep,
            annotation=annotation,
            urgent=urgent,
        )
    )


@router.post(
    MESSAGE + "/reply",
    response_model=Delivered,
    status_code=status.HTTP_201_CREATED,
    summary="Reply to the sender, a user, with a voicemail (§5.3.3)",
    openapi_extra=AUDIO,
)
@body_limit()
async def reply(
    message_id: PathKey, at: Listening, request: Request, app: App, settings: Settings, now: Now
) -> Delivered:
    sender = app.mailbox(at.org, at.address).message(message_id).sender_user_id
    recording = await _recording(request, settings)
    message = await in_thread(app.reply, at.org, at.address, message_id, recording, now)
    return Delivered(mailbox=f"user:{sender}", message_id=message)


@router.post(
    MESSAGE + "/archive",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Email the message to the owner as a WAV attachment (§5.3.6); it becomes Old",
)
def archive(message_id: PathKey, at: Listening, app: App) -> None:
    app.archive(at.org, at.address, message_id)
