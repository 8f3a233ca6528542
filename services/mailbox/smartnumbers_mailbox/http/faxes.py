"""Faxes in the mailbox (user guide §5.5-§5.7): arrive, list, view, save, delete, forward,
and the fax delivery setting that sends each arriving fax on (gateway or email)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool as in_thread

from smartnumbers_mailbox.fax_image import tiff_pages
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
from smartnumbers_mailbox.http.schemas import Fax
from smartnumbers_mailbox.http.transfer import read_upload, serve

router = APIRouter(prefix="/v1", tags=["faxes"])
BASE = "/mailboxes/{kind}/{owner}/faxes"


def _base(address: tuple[str, str]) -> str:
    return f"/v1/mailboxes/{address[0]}s/{address[1]}"


@router.post(
    BASE,
    response_model=Fax,
    status_code=status.HTTP_201_CREATED,
    summary="The gateway delivers a received fax (body: TIFF)",
    openapi_extra={"requestBody": {"content": {"image/tiff": {}}}},
)
async def receive(
    request: Request,
    principal: CurrentPrincipal,
    app: App,
    settings: Settings,
    now: Now,
    kind: str = KIND,
    owner: str = OWNER,
    caller_number: str | None = Query(default=None, pattern=r"^\+?[0-9]{2,20}$"),
) -> Fax:
    require_service(principal)
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    app.mailbox(principal.organisation_id, address)
    tiff = await read_upload(request, settings.max_upload_bytes, "fax")
    pages = await in_thread(tiff_pages, tiff)
    fax_id = await in_thread(
        app.receive_fax, principal.organisation_id, address, tiff, pages, now, caller_number
    )
    return Fax.of(app.mailbox(principal.organisation_id, address).fax(fax_id), _base(address))


@router.get(BASE, response_model=list[Fax], summary="Faxes, oldest first")
def list_faxes(principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER) -> list[Fax]:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    faxes = app.mailbox(principal.organisation_id, address).faxes.values()
    return [Fax.of(f, _base(address)) for f in sorted(faxes, key=lambda f: (f["arrived_at"], f["id"]))]


@router.get(
    BASE + "/{fax_id}/image",
    response_class=Response,
    summary="The fax image (TIFF, range requests)",
    responses={200: {"content": {"image/tiff": {}}}, 206: {}},
)
def image(
    fax_id: str,
    request: Request,
    principal: CurrentPrincipal,
    app: App,
    blobs: Blobs,
    kind: str = KIND,
    owner: str = OWNER,
) -> Response:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    fax = app.mailbox(principal.organisation_id, address).fax(fax_id)
    return serve(request, blobs, fax["sha256"], "image/tiff")


@router.post(BASE + "/{fax_id}/save", response_model=Fax, summary="Keep a fax beyond 30 days (§5.7.2)")
def save(fax_id: str, principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER) -> Fax:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    app.save_fax(principal.organisation_id, address, fax_id)
    return Fax.of(app.mailbox(principal.organisation_id, address).fax(fax_id), _base(address))


@router.delete(BASE + "/{fax_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a fax (§5.7.3)")
def delete(fax_id: str, principal: CurrentPrincipal, app: App, kind: str = KIND, owner: str = OWNER) -> None:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    app.delete_fax(principal.organisation_id, address, fax_id)


@router.post(
    BASE + "/{fax_id}/forward",
    response_model=Fax,
    status_code=status.HTTP_201_CREATED,
    summary="Copy a fax to another user (§5.7.1); returns the copy",
)
def forward(
    fax_id: str,
    principal: CurrentPrincipal,
    app: App,
    now: Now,
    kind: str = KIND,
    owner: str = OWNER,
    to: str = Query(description="user:<id>"),
) -> Fax:
    address = reach(principal, app, kind, owner, Purpose.LISTEN)
    [target] = recipients([to])
    copy = app.forward_fax(principal.organisation_id, principal.user_id, address, fax_id, target, now)
    return Fax.of(app.mailbox(principal.organisation_id, target).fax(copy), _base(target))
