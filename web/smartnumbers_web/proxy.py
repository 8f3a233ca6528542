"""``/api/<service>/<path>``: the services' APIs and live feeds on the page's own origin.

The browser's session token is added as the bearer; responses, Server-Sent Events
included, are streamed through as they come.
"""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from smartnumbers_kit.http import body_limit
from smartnumbers_web.api import Api, SignInRequired
from smartnumbers_web.session import csrf_ok
from smartnumbers_web.settings import SERVICES
from starlette.background import BackgroundTask

router = APIRouter(include_in_schema=False)

FORWARDED_REQUEST = ("content-type", "accept", "range", "last-event-id", "if-none-match")
FORWARDED_RESPONSE = (
    "content-type",
    "content-range",
    "accept-ranges",
    "content-disposition",
    "cache-control",
    "etag",
    "location",
    "x-request-id",
)


@router.api_route("/api/{service}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@body_limit()  # what it passes on may be an upload; the service applies its own limits as well
async def proxy(service: str, path: str, request: Request) -> Response:
    if service not in SERVICES:
        return JSONResponse({"error": "not_found", "detail": f"no service called {service!r}"}, 404)
    body = await request.body()  # first: the CSRF check may parse a form from it, and it is passed on
    if not await csrf_ok(request):
        return JSONResponse({"error": "forbidden", "detail": "missing or wrong CSRF token"}, 403)
    api = Api(request)
    try:
        token = await api.token()
    except SignInRequired:
        return JSONResponse({"error": "unauthenticated", "detail": "sign in first"}, 401)
    headers = {k: v for k, v in request.headers.items() if k in FORWARDED_REQUEST}
    headers["authorization"] = f"Bearer {token}"
    outgoing = api.http.build_request(
        request.method,
        api.url(service, "/" + path),
        params=httpx.QueryParams(str(request.query_params)),
        headers=headers,
        content=body,
        timeout=None if "text/event-stream" in request.headers.get("accept", "") else 30.0,
    )
    upstream = await api.http.send(outgoing, stream=True)
    return StreamingResponse(
        upstream.aiter_bytes(),
        status_code=upstream.status_code,
        headers={k: v for k, v in upstream.headers.items() if k in FORWARDED_RESPONSE},
        background=BackgroundTask(upstream.aclose),
    )
