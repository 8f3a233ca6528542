"""Faxes on the VMail page (§5.7): each page as an image (the mailbox keeps TIFF, which browsers do
not show: converted with Pillow), saved, copied to another user, deleted (which asks first)."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from PIL import Image, ImageSequence
from smartnumbers_kit.bounds import MAX_ID
from smartnumbers_web.api import ApiError
from smartnumbers_web.bounds import PathId
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn
from smartnumbers_web.pages.confirm import CONFIRMED, confirmation
from smartnumbers_web.pages.vmail import MAILBOX, act, recipient, vmail_page
from starlette.concurrency import run_in_threadpool

router = APIRouter(include_in_schema=False)
FaxId = PathId


@router.post("/vmail/faxes/{fax_id}/save")
async def save_fax(request: Request, fax_id: FaxId, _s: SignedIn, _: Csrf, api: ApiClient) -> Response:
    return await act(request, api, "new", "POST", f"/faxes/{fax_id}/save")


async def _fax(api: ApiClient, fax_id: str) -> dict[str, Any]:
    """One fax of the mailbox (which lists them; it has no read of one)."""
    for fax in await api.get("mailbox", f"{MAILBOX}/faxes"):
        if fax["id"] == fax_id:
            found: dict[str, Any] = fax
            return found
    raise ApiError(404, "There is no such fax in your mailbox.")


def _confirmation(request: Request, fax: dict[str, Any]) -> Response:
    sender = fax.get("caller_number") or "an unknown number"
    return confirmation(
        request,
        question=f"Delete the fax from {sender}?",
        consequence="The fax leaves your mailbox for good: it cannot be copied or delivered afterwards.",
        action=f"/vmail/faxes/{fax['id']}/delete",
        button="Yes, delete the fax",
        cancel="/vmail",
        active="vmail",
    )


@router.get("/vmail/faxes/{fax_id}/delete")
async def confirm_delete_fax(request: Request, fax_id: FaxId, _s: SignedIn, api: ApiClient) -> Response:
    """Delete asks first (a page of its own, §5.7.3)."""
    return _confirmation(request, await _fax(api, fax_id))


@router.post("/vmail/faxes/{fax_id}/delete")
async def delete_fax(
    request: Request,
    fax_id: FaxId,
    _s: SignedIn,
    _: Csrf,
    api: ApiClient,
    confirmed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    if confirmed != CONFIRMED:  # not asked yet (a form without the confirm step)
        return _confirmation(request, await _fax(api, fax_id))
    return await act(request, api, "new", "DELETE", f"/faxes/{fax_id}")


@router.post("/vmail/faxes/{fax_id}/forward")
async def forward_fax(
    request: Request,
    fax_id: FaxId,
    _s: SignedIn,
    _: Csrf,
    api: ApiClient,
    to: Annotated[str, Form(max_length=MAX_ID)] = "",
) -> Response:
    if not to.strip():
        return await vmail_page(request, api, error="Say who to copy the fax to.", status_code=422)
    return await act(request, api, "new", "POST", f"/faxes/{fax_id}/forward", params={"to": recipient(to)})


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
async def fax_page(fax_id: FaxId, page: int, _s: SignedIn, api: ApiClient) -> Response:
    r = await api.call("GET", "mailbox", f"{MAILBOX}/faxes/{fax_id}/image")
    if r.status_code != 200:
        return Response(status_code=r.status_code)
    png = await run_in_threadpool(tiff_page_png, r.content, page)
    if png is None:
        return Response(status_code=404)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})
