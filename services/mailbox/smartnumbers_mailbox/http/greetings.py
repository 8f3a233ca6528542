"""Greetings, the name recording, extended absence and mailbox settings
(user guide §3.4, §3.5, §3.9, §5.1), and the greeting a caller hears (for routing)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request, Response, status
from smartnumbers_kit.errors import Invalid, NotFound
from smartnumbers_kit.http import body_limit
from starlette.concurrency import run_in_threadpool as in_thread

from smartnumbers_mailbox.audio import recording_from_upload
from smartnumbers_mailbox.domain.greetings import GreetingKind, Heard
from smartnumbers_mailbox.http.deps import App, Blobs, Managing, Now, Settings, require_service
from smartnumbers_mailbox.http.schemas import (
    ExtendedAbsenceChoice,
    HeardGreeting,
    MailboxView,
    SettingsChange,
)
from smartnumbers_mailbox.http.transfer import read_upload, serve

router = APIRouter(prefix="/v1", tags=["greetings"])
BASE = "/mailboxes/{kind}/{owner}"
GREETING = Path(description="name, permanent, today or extended_absence")
BINARY = {"schema": {"type": "string", "format": "binary"}}
AUDIO = {
    "requestBody": {
        "description": "The recording: WAV, or WebM or MP3 (converted)",
        "content": {kind: BINARY for kind in ("audio/wav", "audio/webm", "audio/mpeg")},
    }
}


@router.put(
    BASE + "/greetings/{greeting}",
    response_model=MailboxView,
    summary="Record a greeting or the name",
    openapi_extra=AUDIO,
)
@body_limit()
async def record(
    at: Managing, request: Request, app: App, settings: Settings, now: Now, greeting: GreetingKind = GREETING
) -> MailboxView:
    app.mailbox(at.org, at.address)
    recording = await in_thread(recording_from_upload, await read_upload(request, settings.max_upload_bytes))
    await in_thread(app.record_greeting, at.org, at.address, greeting, recording, now)
    return MailboxView.of(app.mailbox(at.org, at.address), at.base)


@router.get(
    BASE + "/greetings/{greeting}/audio",
    response_class=Response,
    summary="Play a greeting (ranges)",
    responses={200: {"content": {"audio/wav": {}}}, 206: {}},
)
def play(
    at: Managing, request: Request, app: App, blobs: Blobs, greeting: GreetingKind = GREETING
) -> Response:
    recorded = app.mailbox(at.org, at.address).greetings.get(greeting)
    if recorded is None:
        raise NotFound(f"there is no {greeting.value.replace('_', ' ')} recording")
    return serve(request, blobs, recorded["sha256"], "audio/wav")


@router.delete(
    BASE + "/greetings/{greeting}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a greeting"
)
def remove(at: Managing, app: App, greeting: GreetingKind = GREETING) -> None:
    app.remove_greeting(at.org, at.address, greeting)


@router.get(
    BASE + "/greeting",
    response_model=HeardGreeting,
    summary="What a caller hears: extended absence, today's, permanent, or the system default",
)
def heard(at: Managing, app: App) -> HeardGreeting:
    require_service(at.principal)
    mailbox = app.mailbox(at.org, at.address)
    choice = Heard(mailbox.heard())
    recorded = choice in (Heard.EXTENDED_ABSENCE, Heard.TODAY, Heard.PERMANENT)
    return HeardGreeting(
        heard=choice,
        audio_path=f"{at.base}/greetings/{choice.value}/audio" if recorded else None,
        name_audio_path=f"{at.base}/greetings/name/audio" if GreetingKind.NAME in mailbox.greetings else None,
        number=mailbox.profile.get("mailbox_number"),
        takes_messages=mailbox.takes_messages,
    )


@router.put(
    BASE + "/extended-absence", response_model=MailboxView, summary="Extended absence on or off (§3.9)"
)
def extended_absence(body: ExtendedAbsenceChoice, at: Managing, app: App) -> MailboxView:
    if at.address[0] != "user":
        raise Invalid("extended absence is a user's, not a team's")
    app.set_extended_absence(at.org, at.address[1], body.enabled)
    return MailboxView.of(app.mailbox(at.org, at.address), at.base)


@router.patch(
    BASE + "/settings",
    response_model=MailboxView,
    summary="Voice-to-email (§5.1.7), fax delivery (§5.5), message alerts (§3.5)",
)
def change_settings(body: SettingsChange, at: Managing, app: App) -> MailboxView:
    app.change_settings(
        at.org,
        at.address,
        voice_to_email=body.voice_to_email,
        fax_delivery=body.fax_delivery,
        alerts=None if body.alerts is None else body.alerts.model_dump(exclude_none=True),
    )
    return MailboxView.of(app.mailbox(at.org, at.address), at.base)
