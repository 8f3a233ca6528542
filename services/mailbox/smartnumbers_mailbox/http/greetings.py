"""Greetings, the name recording, extended absence and mailbox settings
(user guide §3.4, §3.9, §5.1), and the greeting a caller hears (for routing)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request, Response, status
from starlette.concurrency import run_in_threadpool as in_thread

from smartnumbers_kit.errors import Invalid, NotFound
from smartnumbers_mailbox.audio import recording_from_upload
from smartnumbers_mailbox.domain.greetings import GreetingKind, Heard
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
    require_service,
)
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


def _base(address: tuple[str, str]) -> str:
    return f"/v1/mailboxes/{address[0]}s/{address[1]}"


@router.put(
    BASE + "/greetings/{greeting}",
    response_model=MailboxView,
    summary="Record a greeting or the name",
    openapi_extra={"requestBody": {"content": {"audio/wav": {}, "audio/webm": {}, "audio/mpeg": {}}}},
)
async def record(
    request: Request,
    principal: CurrentPrincipal,
    app: App,
    settings: Settings,
    now: Now,
    greeting: GreetingKind = GREETING,
    kind: str = KIND,
    owner: str = OWNER,
) -> MailboxView:
    address = reach(principal, app, kind, owner, Purpose.MANAGE)
    app.mailbox(principal.organisation_id, address)
    recording = await in_thread(recording_from_upload, await read_upload(request, settings.max_upload_bytes))
    await in_thread(app.record_greeting, principal.organisation_id, address, greeting, recording, now)
    return MailboxView.of(app.mailbox(principal.organisation_id, address), _base(address))


@router.get(
    BASE + "/greetings/{greeting}/audio",
    response_class=Response,
    summary="Play a greeting (range requests)",
    responses={200: {"content": {"audio/wav": {}}}, 206: {}},
)
def play(
    request: Request,
    principal: CurrentPrincipal,
    app: App,
    blobs: Blobs,
    greeting: GreetingKind = GREETING,
    kind: str = KIND,
    owner: str = OWNER,
) -> Response:
    address = reach(principal, app, kind, owner, Purpose.MANAGE)
    recorded = app.mailbox(principal.organisation_id, address).greetings.get(greeting)
    if recorded is None:
        raise NotFound(f"there is no {greeting.value.replace('_', ' ')} recording")
    return serve(request, blobs, recorded["sha256"], "audio/wav")


@router.delete(
    BASE + "/greetings/{greeting}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a greeting"
)
def remove(
    principal: CurrentPrincipal,
    app: App,
    greeting: GreetingKind = GREETING,
    kind: str = KIND,
    owner: str = OWNER,
) -> None:
    address = reach(principal, app, kind, owner, Purpose.MANAGE)
    app.remove_greeting(principal.organisation_id, address, greeting)


@router.get(
    BASE + "/greeting",
    response_model=HeardGreeting,
    summary="What a caller hears: extended absence, today's, permanent, or the system default",
)
def heard(principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER) -> HeardGreeting:
    require_service(principal)
    address = reach(principal, app, kind, owner, Purpose.MANAGE)
    mailbox = app.mailbox(principal.organisation_id, address)
    choice = Heard(mailbox.heard())
    recorded = choice in (Heard.EXTENDED_ABSENCE, Heard.TODAY, Heard.PERMANENT)
    base = _base(address)
    return HeardGreeting(
        heard=choice,
        audio_path=f"{base}/greetings/{choice.value}/audio" if recorded else None,
        name_audio_path=f"{base}/greetings/name/audio" if GreetingKind.NAME in mailbox.greetings else None,
        number=mailbox.profile.get("mailbox_number"),
        takes_messages=choice is not Heard.EXTENDED_ABSENCE,
    )


@router.put(
    BASE + "/extended-absence", response_model=MailboxView, summary="Extended absence on or off (§3.9)"
)
def extended_absence(
    body: ExtendedAbsenceChoice, principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER
) -> MailboxView:
    address = reach(principal, app, kind, owner, Purpose.MANAGE)
    if address[0] != "user":
        raise Invalid("extended absence is a user's, not a team's")
    app.set_extended_absence(principal.organisation_id, address[1], body.enabled)
    return MailboxView.of(app.mailbox(principal.organisation_id, address), _base(address))


@router.patch(
    BASE + "/settings", response_model=MailboxView, summary="Voice-to-email (§5.1.7) and fax delivery (§5.5)"
)
def change_settings(
    body: SettingsChange, principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER
) -> MailboxView:
    address = reach(principal, app, kind, owner, Purpose.MANAGE)
    app.change_settings(principal.organisation_id, address, **body.model_dump())
    return MailboxView.of(app.mailbox(principal.organisation_id, address), _base(address))
