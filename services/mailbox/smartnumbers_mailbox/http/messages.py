"""Voicemail messages: deposit, list in phone order, play, save, mark, forward, reply,
archive, delete (user guide §5.3), and sending a voicemail to users and teams (§5.4)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool as in_thread

from smartnumbers_kit.auth import Role
from smartnumbers_kit.errors import Forbidden, Invalid
from smartnumbers_mailbox.application import Address, MailboxApplication
from smartnumbers_mailbox.audio import recording_from_upload
from smartnumbers_mailbox.domain.message import Folder
from smartnumbers_mailbox.http.deps import (
    KIND,
    OWNER,
    App,
    Blobs,
    CurrentPrincipal,
    Now,
    Purpose,
    Settings,
    reach,
    recipients,
    require_service,
)
from smartnumbers_mailbox.http.schemas import Delivered, FolderChoice, MailboxView, Message, UrgentChoice
from smartnumbers_mailbox.http.transfer import read_upload, serve

router = APIRouter(prefix="/v1", tags=["voicemail"])
BASE = "/mailboxes/{kind}/{owner}"
AUDIO = {"content": {"audio/wav": {}, "audio/webm": {}, "audio/ogg": {}, "audio/mpeg": {}}}


def _base(kind: str, owner: str) -> str:
    return f"/v1/mailboxes/{kind}s/{owner}"


def _message(app: MailboxApplication, organisation_id: str, address: Address, message_id: str) -> Message:
    mailbox = app.mailbox(organisation_id, address)
    message = mailbox.message(message_id)
    return Message.of(mailbox, message, _base(*address), app.callback_number(organisation_id, message))


def _delivered(found: list[tuple[str, str, str]]) -> list[Delivered]:
    return [Delivered(mailbox=f"{kind}:{owner}", message_id=message_id) for kind, owner, message_id in found]


@router.get(BASE, response_model=MailboxView, summary="Counts, greetings and settings of a mailbox")
def read_mailbox(principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER) -> MailboxView:
    address = reach(principal, app, kind, owner, Purpose.MANAGE)
    return MailboxView.of(app.mailbox(principal.organisation_id, address), _base(*address))


@router.get(
    BASE + "/messages",
    response_model=list[Message],
    summary="Messages in the order the phone plays them: urgent first, then oldest first",
)
def list_messages(
    principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER, folder: Folder | None = None
) -> list[Message]:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    mailbox = app.mailbox(principal.organisation_id, address)
    return [
        Message.of(mailbox, m, _base(*address), app.callback_number(principal.organisation_id, m))
        for m in mailbox.listed(folder)
    ]


@router.post(
    BASE + "/messages",
    response_model=Message,
    status_code=status.HTTP_201_CREATED,
    summary="The gateway deposits what a caller left (body: the recording)",
    openapi_extra={"requestBody": AUDIO},
)
async def deposit(
    request: Request,
    principal: CurrentPrincipal,
    app: App,
    settings: Settings,
    now: Now,
    kind: str = KIND,
    owner: str = OWNER,
    caller_number: str | None = Query(default=None, pattern=r"^\+?[0-9]{2,20}$"),
    caller_name: str | None = Query(default=None, max_length=100),
    urgent: bool = False,
) -> Message:
    require_service(principal)
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    app.mailbox(principal.organisation_id, address)  # refuse before reading a long upload
    recording = await in_thread(recording_from_upload, await read_upload(request, settings.max_upload_bytes))
    message_id = await in_thread(
        app.deposit,
        principal.organisation_id,
        address,
        recording,
        now,
        from_caller=True,
        caller_number=caller_number,
        caller_name=caller_name,
        urgent=urgent,
    )
    return _message(app, principal.organisation_id, address, message_id)


@router.post(
    "/voicemails",
    response_model=list[Delivered],
    status_code=status.HTTP_201_CREATED,
    summary="Send a voicemail to users and teams (§5.4): every team member gets it, recorded once",
    openapi_extra={"requestBody": AUDIO},
)
async def send(
    request: Request,
    principal: CurrentPrincipal,
    app: App,
    settings: Settings,
    now: Now,
    to: list[str] = Query(description="user:<id> or team:<id>, repeated"),
    urgent: bool = False,
    sender: str | None = Query(default=None, description="The gateway only: the PIN-signed-in user"),
) -> list[Delivered]:
    targets = recipients(to)
    if principal.role is Role.SERVICE:
        if sender is None:
            raise Invalid("say which signed-in user sends it: sender=<user id>")
        app.mailbox(principal.organisation_id, ("user", sender))
    elif sender not in (None, principal.user_id):
        raise Forbidden("you may send voicemails only as yourself")
    recording = await in_thread(recording_from_upload, await read_upload(request, settings.max_upload_bytes))
    return _delivered(
        await in_thread(
            app.send, principal.organisation_id, sender or principal.user_id, targets, recording, now, urgent
        )
    )


@router.get(BASE + "/messages/{message_id}", response_model=Message, summary="One message's envelope")
def read_message(
    message_id: str, principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER
) -> Message:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    return _message(app, principal.organisation_id, address, message_id)


@router.get(
    BASE + "/messages/{message_id}/audio",
    summary="Play a message (WAV, range requests); New becomes Old",
    response_class=Response,
    responses={200: {"content": {"audio/wav": {}}}, 206: {}},
)
def play(
    message_id: str,
    request: Request,
    principal: CurrentPrincipal,
    app: App,
    blobs: Blobs,
    kind: str = KIND,
    owner: str = OWNER,
) -> Response:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    message = app.listened(principal.organisation_id, address, message_id)
    return serve(request, blobs, message["sha256"], "audio/wav")


@router.put(
    BASE + "/messages/{message_id}/folder",
    response_model=Message,
    summary="Save a message, or mark it new or old",
)
def move(
    message_id: str,
    body: FolderChoice,
    principal: CurrentPrincipal,
    app: App,
    kind: str = KIND,
    owner: str = OWNER,
) -> Message:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    app.move(principal.organisation_id, address, message_id, body.folder)
    return read_message(message_id, principal, app, kind, owner)


@router.put(BASE + "/messages/{message_id}/urgent", response_model=Message, summary="Mark urgent or not")
def mark_urgent(
    message_id: str,
    body: UrgentChoice,
    principal: CurrentPrincipal,
    app: App,
    kind: str = KIND,
    owner: str = OWNER,
) -> Message:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    app.mark_urgent(principal.organisation_id, address, message_id, body.urgent)
    return read_message(message_id, principal, app, kind, owner)


@router.delete(
    BASE + "/messages/{message_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a message"
)
def delete(
    message_id: str, principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER
) -> None:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    app.delete(principal.organisation_id, address, message_id)


@router.post(
    BASE + "/messages/{message_id}/forward",
    response_model=list[Delivered],
    status_code=status.HTTP_201_CREATED,
    openapi_extra={"requestBody": AUDIO},
    summary="Copy (keep=true) or divert (keep=false), with an optional annotation as the body (§5.3.4)",
)
async def forward(
    message_id: str,
    request: Request,
    principal: CurrentPrincipal,
    app: App,
    settings: Settings,
    now: Now,
    kind: str = KIND,
    owner: str = OWNER,
    to: list[str] = Query(description="user:<id> or team:<id>, repeated"),
    keep: bool = True,
    urgent: bool | None = None,
) -> list[Delivered]:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    targets = recipients(to)
    app.mailbox(principal.organisation_id, address).message(message_id)
    body = await read_upload(request, settings.max_upload_bytes, "annotation")
    annotation = await in_thread(recording_from_upload, body) if body else None
    actor = address[1] if principal.role is Role.SERVICE and address[0] == "user" else principal.user_id
    return _delivered(
        await in_thread(
            app.forward,
            principal.organisation_id,
            actor,
            address,
            message_id,
            targets,
            now,
            keep=keep,
            annotation=annotation,
            urgent=urgent,
        )
    )


@router.post(
    BASE + "/messages/{message_id}/reply",
    response_model=Delivered,
    status_code=status.HTTP_201_CREATED,
    summary="Reply to the sender, a user, with a voicemail (§5.3.3)",
    openapi_extra={"requestBody": AUDIO},
)
async def reply(
    message_id: str,
    request: Request,
    principal: CurrentPrincipal,
    app: App,
    settings: Settings,
    now: Now,
    kind: str = KIND,
    owner: str = OWNER,
) -> Delivered:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    sender = app.mailbox(principal.organisation_id, address).message(message_id)["sender_user_id"]
    recording = await in_thread(recording_from_upload, await read_upload(request, settings.max_upload_bytes))
    message = await in_thread(app.reply, principal.organisation_id, address, message_id, recording, now)
    return Delivered(mailbox=f"user:{sender}", message_id=message)


@router.post(
    BASE + "/messages/{message_id}/archive",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Email the message to the owner as a WAV attachment (§5.3.6); it becomes Old",
)
def archive(
    message_id: str, principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER
) -> None:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    app.archive(principal.organisation_id, address, message_id)
