"""Blobs by sha256, for services only: notify fetches email attachments, the gateway faxes.

A blob is served only to a service of an organisation one of whose mailboxes holds it
(``Blob.holders`` are ``org/kind/owner/item``); to any other it does not exist (404).
"""

from __future__ import annotations

from eventsourcing.application import AggregateNotFoundError
from fastapi import APIRouter, Path, Request, Response
from smartnumbers_kit.auth import Role
from smartnumbers_kit.errors import Forbidden, NotFound

from smartnumbers_mailbox.application import MailboxApplication
from smartnumbers_mailbox.domain.blob import Blob
from smartnumbers_mailbox.http.deps import App, Blobs, CurrentPrincipal
from smartnumbers_mailbox.http.transfer import serve

router = APIRouter(prefix="/v1", tags=["operations"])


@router.get(
    "/blobs/{sha256}",
    response_class=Response,
    summary="A stored recording or fax image (services only, of the organisation that holds it)",
)
def read_blob(
    request: Request,
    principal: CurrentPrincipal,
    app: App,
    blobs: Blobs,
    sha256: str = Path(pattern="^[0-9a-f]{64}$"),
) -> Response:
    if principal.role is not Role.SERVICE:
        raise Forbidden("only smartnumbers services fetch blobs by hash")
    if not _held_in(app, sha256, principal.organisation_id) or not blobs.exists(sha256):
        raise NotFound("there is no such blob")
    return serve(request, blobs, sha256, "application/octet-stream")


def _held_in(app: MailboxApplication, sha256: str, organisation_id: str) -> bool:
    try:
        blob: Blob = app.repository.get(Blob.create_id(sha256))
    except AggregateNotFoundError:
        return False
    return any(holder.split("/", 1)[0] == organisation_id for holder in blob.holders)
