"""Uploads read with a size limit, and blobs served with HTTP range requests."""

from __future__ import annotations

import re

from fastapi import Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from smartnumbers_kit.errors import DomainError
from smartnumbers_kit.http import error_body

from smartnumbers_mailbox.blobs import BlobStore

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class TooLarge(DomainError):
    status = 413
    code = "too_large"


async def read_upload(request: Request, limit: int, what: str = "recording") -> bytes:
    """The request body, refused with 413 as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the {what} is {int(declared)} bytes; the limit is {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"the {what} is larger than the limit of {limit} bytes")
    return bytes(body)


def serve(request: Request, blobs: BlobStore, sha256: str, media_type: str) -> Response:
    """The whole blob (200) or the range asked for (206, ``Content-Range``), so players can seek."""
    size = blobs.size(sha256)
    headers = {"Accept-Ranges": "bytes", "ETag": f'"{sha256}"', "Cache-Control": "private, max-age=3600"}
    asked = request.headers.get("range")
    if not asked:
        return StreamingResponse(
            blobs.open_range(sha256, 0, size - 1),
            media_type=media_type,
            headers=headers | {"Content-Length": str(size)},
        )
    match = RANGE.match(asked.strip())
    if not match or match.groups() == ("", ""):
        return _not_satisfiable(f"the range {asked!r} is not bytes=<start>-<end>", size)
    first, last = match.groups()
    if first == "":
        start, end = max(size - int(last), 0), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return _not_satisfiable(f"the range {asked!r} is outside the {size} bytes", size)
    return StreamingResponse(
        blobs.open_range(sha256, start, end),
        status_code=206,
        media_type=media_type,
        headers=headers
        | {"Content-Range": f"bytes {start}-{end}/{size}", "Content-Length": str(end - start + 1)},
    )


def _not_satisfiable(message: str, size: int) -> Response:
    return JSONResponse(
        error_body("range_not_satisfiable", message),
        status_code=416,
        headers={"Content-Range": f"bytes */{size}"},
    )
