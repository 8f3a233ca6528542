"""The HTTP face every service shares: one error model, bounded request bodies, request ids,
health, readiness, metrics, and API docs that work offline.

Every error answer is an ``ErrorBody`` ``{"error": <code>, "detail": <text or field errors>}``:
domain errors, validation errors (422, each naming the field and what was wrong), HTTP errors
(404, 405, 413, ...), a service that cannot reach another one (503), and anything unexpected
(500, logged, never a stack trace). The OpenAPI document says so: FastAPI's default
``HTTPValidationError`` is replaced by ``ErrorBody``, and every operation documents the
statuses the kit itself may answer (401/403 when it needs a token, 413 and 422 when it takes
input, 503). Routes add their own (404, 409, ...) with ``responses=errors(404, 409)``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import swagger_ui_bundle
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from nats.errors import ConnectionClosedError, NoRespondersError, NoServersError
from nats.errors import TimeoutError as NatsTimeoutError
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smartnumbers_kit.errors import DomainError
from smartnumbers_kit.logs import bind_request_id

log = logging.getLogger(__name__)

REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("http_request_seconds", "HTTP request duration", ["method", "route"])

DEFAULT_MAX_BODY_BYTES = 256 * 1024
"""A request body larger than this is refused with 413 (``body_limit`` raises it per route)."""
DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""The limit of routes marked ``@body_limit()`` (uploads: recordings, faxes), unless the service says."""

DOCS_ASSETS = "/docs/assets"


class FieldError(BaseModel):
    field: str = Field(description="The field, dotted (`numbers.mobile.0`); query and path names as given")
    message: str = Field(description="What was wrong, with the limit when one was exceeded")


class ErrorBody(BaseModel):
    """Every error answer of every service."""

    error: str = Field(description="A short code: invalid, not_found, conflict, forbidden, too_large, ...")
    detail: str | list[FieldError] = Field(description="What was wrong, for a person; per field on 422")


_STATUS_TEXT = {
    400: ("bad_request", "the request body cannot be read (not JSON, or not UTF-8)"),
    401: ("unauthenticated", "no valid bearer token"),
    403: ("forbidden", "the token does not allow this"),
    404: ("not_found", "no such thing in your organisation"),
    405: ("method_not_allowed", "this method is not allowed here"),
    409: ("conflict", "it conflicts with the current state"),
    413: ("too_large", "the request body is larger than the limit"),
    423: ("locked", "too many wrong passwords in a row: locked for a while"),
    422: ("invalid", "a field is missing or wrong; each is named"),
    503: ("unavailable", "a service this one needs cannot be reached; try again"),
}

UNAVAILABLE = (
    httpx.TransportError,
    NoRespondersError,
    NoServersError,
    NatsTimeoutError,
    ConnectionClosedError,
    ConnectionError,
    TimeoutError,
)
"""Errors that mean another service (or NATS) cannot be reached now: answered 503, not 500."""


def error_body(code: str, detail: Any) -> dict[str, Any]:
    return {"error": code, "detail": detail}


def errors(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each status documented as an ``ErrorBody``.

    ``errors(404, 409, s409="the number is taken")`` overrides a description by ``s<status>``."""
    return {
        status: {
            "model": ErrorBody,
            "description": descriptions.get(f"s{status}", _STATUS_TEXT.get(status, ("", "error"))[1]),
        }
        for status in statuses
    }


F = TypeVar("F", bound=Callable[..., Any])


def body_limit(max_bytes: int | None = None) -> Callable[[F], F]:
    """Let one route take a larger (or smaller) body than the service's default: ``max_bytes``, or
    without it the service's upload limit (``create_http_app(max_upload_bytes=...)``).

    Put it under the route decorator: ``@router.post(...)`` then ``@body_limit()``."""

    def mark(endpoint: F) -> F:
        endpoint.__max_body_bytes__ = max_bytes  # type: ignore[attr-defined]
        return endpoint

    return mark


def _limit_of(endpoint: Any, default: int, upload: int) -> int:
    if not hasattr(endpoint, "__max_body_bytes__"):
        return default
    limit = endpoint.__max_body_bytes__
    return upload if limit is None else int(limit)


def _api_routes(routes: Any) -> Iterator[Any]:
    """Every API route, also those inside routers FastAPI keeps included as a whole."""
    for route in routes:
        included = getattr(route, "effective_route_contexts", None)
        if included is not None:
            yield from included()
        elif isinstance(route, APIRoute):
            yield route


def _endpoint_for(routes: Any, scope: Scope) -> Any:
    """The endpoint that will answer ``scope``, looked up as routing will: also inside routers
    that FastAPI keeps included as a whole (``include_router``) rather than as flat routes."""
    for route in routes:
        match, _ = route.matches(scope)
        if match is not Match.FULL:
            continue
        included = getattr(route, "effective_route_contexts", None)
        if included is None:
            return getattr(route, "endpoint", None)
        for context in included():
            methods = getattr(context, "methods", None)
            if context.path_regex.match(scope["path"]) and (not methods or scope["method"] in methods):
                return context.endpoint
    return None


def _validation_detail(exc: RequestValidationError) -> list[dict[str, Any]]:
    found = []
    for e in exc.errors():
        loc = [str(p) for p in e["loc"]]
        if loc and loc[0] in ("body", "query", "path", "header", "cookie") and len(loc) > 1:
            loc = loc[1:]
        found.append({"field": ".".join(loc), "message": e["msg"]})
    return found


def _too_large(limit: int) -> dict[str, Any]:
    return error_body("too_large", f"the request body is larger than {limit} bytes")


class BodyLimit:
    """Refuse a request body over its route's limit with 413, without reading the rest.

    A declared ``content-length`` over the limit is answered at once; a streamed body is
    counted as it is read, and the route's read fails with 413 when it passes the limit."""

    def __init__(
        self, app: ASGIApp, default: int = DEFAULT_MAX_BODY_BYTES, upload: int = DEFAULT_MAX_UPLOAD_BYTES
    ) -> None:
        self.app = app
        self.default = default
        self.upload = upload

    def _limit(self, scope: Scope) -> int:
        endpoint = _endpoint_for(getattr(scope.get("app"), "routes", ()), scope)
        return _limit_of(endpoint, self.default, self.upload)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            response = JSONResponse(_too_large(limit), status_code=413, headers={"connection": "close"})
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise StarletteHTTPException(413, f"the request body is larger than {limit} bytes")
            return message

        await self.app(scope, counted, send)


class RequestContext:
    """Request id (``x-request-id``, made when absent) in logs and response; latency and count per route.

    Plain ASGI rather than ``@app.middleware("http")``: no extra task and body streaming per
    request, which matters on hot paths such as the gateway's reverse lookup.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = given or uuid.uuid4().hex
        bind_request_id(request_id)
        started = time.perf_counter()
        status = ["500"]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = str(message["status"])
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            template = getattr(scope.get("route"), "path", "unmatched")
            LATENCY.labels(scope["method"], template).observe(time.perf_counter() - started)
            REQUESTS.labels(scope["method"], template, status[0]).inc()


def _error_ref() -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}


def _not_null(parameter: dict[str, Any]) -> None:
    """A query or path parameter is absent or a string, never null: ``anyOf [T, null]`` becomes ``T``."""
    schema = parameter.get("schema", {})
    choices = schema.get("anyOf")
    if choices and {"type": "null"} in choices and len(choices) == 2:
        [kept] = [c for c in choices if c != {"type": "null"}]
        del schema["anyOf"]
        schema.update(kept)


def _document(app: FastAPI, default_limit: int, upload_limit: int) -> dict[str, Any]:
    """The OpenAPI document: ``ErrorBody`` for every error, the kit's own statuses on each operation."""
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ErrorBody"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(schemas["ErrorBody"].pop("$defs", {}))
    routes = {
        (route.path_format, method.lower()): route.endpoint
        for route in _api_routes(app.routes)
        for method in route.methods or ()
    }
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                _not_null(parameter)
            responses = operation.setdefault("responses", {})
            wanted: dict[str, str] = {}
            if operation.get("security"):
                wanted["401"] = _STATUS_TEXT[401][1]
                wanted["403"] = _STATUS_TEXT[403][1]
            if operation.get("parameters") or operation.get("requestBody"):
                wanted["422"] = _STATUS_TEXT[422][1]
            if operation.get("security") and any(p["in"] == "path" for p in operation.get("parameters", [])):
                wanted["404"] = _STATUS_TEXT[404][1]
            if operation.get("requestBody"):
                wanted["400"] = _STATUS_TEXT[400][1]
            if method in ("post", "put", "patch", "delete"):
                limit = _limit_of(routes.get((path, method)), default_limit, upload_limit)
                wanted["413"] = f"the request body is larger than {limit} bytes"
            if path not in ("/healthz", "/metrics", "/docs", "/openapi.json"):
                wanted["503"] = _STATUS_TEXT[503][1]
            for status, description in wanted.items():
                responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status.startswith(("4", "5")) and not (status == "503" and path == "/readyz"):
                    response["content"] = _error_ref()
    return doc


def create_http_app(
    *,
    title: str,
    description: str,
    lifespan: Any,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
) -> FastAPI:
    app = FastAPI(
        title=title,
        description=description,
        lifespan=lifespan,
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
    )

    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body("invalid", _validation_detail(exc)), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, text = _STATUS_TEXT.get(exc.status_code, ("error", "error"))
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail else text
        return JSONResponse(error_body(code, detail), status_code=exc.status_code, headers=exc.headers)

    for unavailable in UNAVAILABLE:

        @app.exception_handler(unavailable)
        async def unreachable(_: Request, exc: Exception) -> JSONResponse:
            log.warning("a service this one needs cannot be reached: %r", exc)
            return JSONResponse(
                error_body(
                    "unavailable", f"a service this one needs cannot be reached ({type(exc).__name__})"
                ),
                status_code=503,
            )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return JSONResponse(error_body("internal", "something went wrong; it is logged"), status_code=500)

    app.add_middleware(BodyLimit, default=max_body_bytes, upload=max_upload_bytes)
    app.add_middleware(RequestContext)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _document(app, max_body_bytes, max_upload_bytes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{title} — API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )

    @app.get("/healthz", tags=["operations"], summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get(
        "/readyz",
        tags=["operations"],
        summary="NATS and the event store are reachable",
        responses={503: {"description": "not ready: the failing check is false"}},
    )
    async def readyz(request: Request) -> JSONResponse:
        runtime = getattr(request.app.state, "runtime", None)
        checks = await runtime.readiness() if runtime else {"started": False}
        ready = all(checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}},
    )
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return app
