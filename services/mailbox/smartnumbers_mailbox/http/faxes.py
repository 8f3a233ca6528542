"""Faxes in the mailbox (user guide §5.5-§5.7): arrive, list, view, save, delete, forward,
and the fax delivery setting that sends each arriving fax on (gateway or email)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response, status
from smartnumbers_kit.auth import Role
from smartnumbers_kit.bounds import PathKey
from smartnumbers_kit.http import body_limit
from starlette.concurrency import run_in_threadpool as in_thread

from smartnumbers_mailbox.fax_image import tiff_pages
from smartnumbers_mailbox.http.deps import (
    App,
    Blobs,
    Depositing,
    Listening,
    Now,
    Settings,
    base_path,
    recipients,
)
from smartnumbers_mailbox.http.schemas import Fax
from smartnumbers_mailbox.http.transfer import read_upload, serve

router = APIRouter(prefix="/v1", tags=["faxes"])
FAXES = "/mailboxes/{kind}/{owner}/faxes"
FAX = FAXES + "/{fax_id}"


@router.post(
    FAXES,
    response_model=Fax,
    status_code=status.HTTP_201_CREATED,
    summary="The gateway delivers a received fax (body: TIFF)",
    openapi_extra={
        "requestBody": {
            "description": "The fax, as a TIFF",
            "content": {"image/tiff": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
@body_limit()
async def receive(
    at: Depositing,
    request: Request,
    app: App,
    settings: Settings,
    now: Now,
    caller_number: str | None = Query(default=None, pattern=r"^\+?[0-9]{2,20}$"),
) -> Fax:
    tiff = await read_upload(request, settings.max_upload_bytes, "fax")
    pages = await in_thread(tiff_pages, tiff)
    fax_id = await in_thread(app.receive_fax, at.org, at.address, tiff, pages, now, caller_number)
    return Fax.of(app.mailbox(at.org, at.address).fax(fax_id), at.base)


@router.get(FAXES, response_model=list[Fax], summary="Faxes, oldest first")
def list_faxes(at: Listening, app: App) -> list[Fax]:
    faxes = app.mailbox(at.org, at.address).faxes.values()
    return [Fax.of(f, at.base) for f in sorted(faxes, key=lambda f: (f.arrived_at, f.id))]


@router.get(
    FAX + "/image",
    response_class=Response,
    summary="The fax image (TIFF, range requests)",
    responses={200: {"content": {"image/tiff": {}}}, 206: {}},
)
def image(fax_id: PathKey, at: Listening, request: Request, app: App, blobs: Blobs) -> Response:
    return serve(request, blobs, app.mailbox(at.org, at.address).fax(fax_id).sha256, "image/tiff")


@router.post(FAX + "/save", response_model=Fax, summary="Keep a fax beyond 30 days (§5.7.2)")
def save(fax_id: PathKey, at: Listening, app: App) -> Fax:
    app.save_fax(at.org, at.address, fax_id)
    return Fax.of(app.mailbox(at.org, at.address).fax(fax_id), at.base)


@router.delete(FAX, status_code=status.HTTP_204_NO_CONTENT, summary="Delete a fax (§5.7.3)")
def delete(fax_id: PathKey, at: Listening, app: App) -> None:
    app.delete_fax(at.org, at.address, fax_id)


@router.post(
    FAX + "/forward",
    response_model=Fax,
    status_code=status.HTTP_201_CREATED,
    summary="Copy a fax to another user (§5.7.1); returns the copy",
)
def forward(
    fax_id: PathKey,
    at: Listening,
    app: App,
    now: Now,
    to: str = Query(pattern=r"^user:[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description="user:<id>"),
) -> Fax:
    [target] = recipients([to])
    # The gateway acts for the owner signed in with their PIN.
    actor = at.address[1] if at.principal.role is Role.SERVICE else at.principal.user_id
    copy = app.forward_fax(at.org, actor, at.address, fax_id, target, now)
    return Fax.of(app.mailbox(at.org, target).fax(copy), base_path(target))
