"""The web application: pages, the API proxy, static files, the session cookie."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from smartnumbers_kit.http import BodyLimit
from smartnumbers_web import proxy
from smartnumbers_web.api import ApiError, SignInRequired, refusal
from smartnumbers_web.bounds import FOR_TEMPLATES
from smartnumbers_web.deps import CsrfRejected, PasswordChangeRequired, render
from smartnumbers_web.pages import (
    address_book,
    administration,
    auth,
    call_manager,
    contact,
    groups,
    recordings,
    report_schedule,
    security,
    services,
    statistics,
    toolbar,
    vmail,
)
from smartnumbers_web.session import SessionCodec, SessionMiddleware
from smartnumbers_web.settings import WebSettings

HERE = Path(__file__).parent


def _redirect(request: Request, to: str) -> Response:
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": to})
    return RedirectResponse(to, 303)


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=30.0) as http:
            app.state.http = http
            yield

    app = FastAPI(title="smartnumbers Web Services", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.globals["bounds"] = FOR_TEMPLATES
    app.add_middleware(
        SessionMiddleware, codec=SessionCodec(settings.session_key, secure=settings.secure_cookies)
    )
    # Bodies are bounded as in every service (413 before the rest is read): 256 KiB for a form,
    # the upload limit for the routes marked @body_limit() (recordings, the /api passage).
    app.add_middleware(BodyLimit)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (
        auth,
        toolbar,
        contact,
        address_book,
        groups,
        services,
        security,
        recordings,
        vmail,
        administration,
        call_manager,
        statistics,
        report_schedule,
        proxy,
    ):
        app.include_router(module.router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> dict[str, object]:
        """Ready as soon as it serves: it keeps no state and needs no bus (the services it passes
        requests to answer 503 themselves, through it, while they are away)."""
        return {"ready": True, "checks": {}}

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, _: SignInRequired) -> Response:
        return _redirect(request, "/signin")

    @app.exception_handler(PasswordChangeRequired)
    async def password_change_required(request: Request, _: PasswordChangeRequired) -> Response:
        return _redirect(request, "/password")

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, _: CsrfRejected) -> Response:
        return JSONResponse(
            {
                "error": "forbidden",
                "detail": "the form is out of date (CSRF token missing or wrong): reload it",
            },
            403,
        )

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> Response:
        return render(request, "error.html", message=error.detail, status_code=error.status)

    @app.exception_handler(RequestValidationError)
    async def not_valid(request: Request, error: RequestValidationError) -> Response:
        """A page's address or a form that is not right (``/address-book/contacts/not an id``, a
        field too long): one sentence naming it, nothing done; the /api passage keeps the
        services' JSON, htmx gets the sentence to show in place."""
        if request.url.path.startswith("/api/"):
            return await request_validation_exception_handler(request, error)
        message, status = not_valid_message(error)
        if request.headers.get("hx-request"):
            return HTMLResponse(f"<span class='error'>{escape(message)}</span>", status)
        return render(request, "error.html", message=message, status_code=status)

    @app.exception_handler(httpx.TransportError)
    async def unreachable(request: Request, error: httpx.TransportError) -> Response:
        return render(
            request, "error.html", message="A service is not answering; try again shortly.", status_code=503
        )

    return app


def not_valid_message(error: RequestValidationError) -> tuple[str, int]:
    """A malformed part of the address is a page that does not exist (404, naming what is wrong);
    anything else is a form or a query the page cannot take (422, naming the fields)."""
    problems = [e for e in error.errors() if isinstance(e, dict)]
    in_path = [e for e in problems if tuple(e.get("loc", ()))[:1] == ("path",)]
    if in_path:
        first = in_path[0]
        what = str(first["loc"][-1]).replace("_", " ")
        return f"There is no such page: {str(first.get('input'))!r} is not a valid {what}.", 404
    return refusal(problems), 422
