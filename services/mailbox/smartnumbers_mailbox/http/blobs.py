"""Blobs by sha256, for services only: notify fetches email attachments, the gateway faxes."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request, Response
from smartnumbers_kit.auth import Role
from smartnumbers_kit.errors import Forbidden, NotFound

from smartnumbers_mailbox.http.deps import Blobs, CurrentPrincipal
from smartnumbers_mailbox.http.transfer import serve

router = APIRouter(prefix="/v1", tags=["operations"])


@router.get(
    "/blobs/{sha256}", response_class=Response, summary="A stored recording or fax image (services only)"
)
def read_blob(
    request: Request, principal: CurrentPrincipal, blobs: Blobs, sha256: str = Path(pattern="^[0-9a-f]{64}$")
) -> Response:
    if principal.role is not Role.SERVICE:
        raise Forbidden("only smartnumbers services fetch blobs by hash")
    if not blobs.exists(sha256):
        raise NotFound("there is no such blob")
    return serve(request, blobs, sha256, "application/octet-stream")
