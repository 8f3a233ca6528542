"""What pages depend on: the signed-in session, the CSRF check, the API client, rendering."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from smartnumbers_web.api import Api, SignInRequired
from smartnumbers_web.preferences import Preferences, preferences
from smartnumbers_web.session import Session, csrf_ok, current


class PasswordChangeRequired(Exception):
    """Signed in with an initial password: only the password page is open (§2)."""


class CsrfRejected(Exception):
    pass


def signed_in(request: Request) -> Session:
    session = current(request)
    if not session.signed_in:
        raise SignInRequired
    if session.must_change_password:
        raise PasswordChangeRequired
    return session


async def csrf_checked(request: Request) -> None:
    if not await csrf_ok(request):
        raise CsrfRejected


def api(request: Request) -> Api:
    return Api(request)


SignedIn = Annotated[Session, Depends(signed_in)]
Csrf = Annotated[None, Depends(csrf_checked)]
ApiClient = Annotated[Api, Depends(api)]
Prefs = Annotated[Preferences, Depends(preferences)]

MENU = [
    ("contact", "Contact"),
    ("services", "Services"),
    ("security", "Security"),
    ("recordings", "Recordings"),
    ("vmail", "VMail"),
    ("address-book", "Address Book"),
    ("call-manager", "Call Manager"),
    ("statistics", "Statistics"),
]
ADMIN_MENU = [("administration", "Administration")]


def render(
    request: Request, template: str, *, active: str = "", status_code: int = 200, **context: Any
) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    session = current(request)
    menu = MENU + (ADMIN_MENU if session.is_admin else [])
    return templates.TemplateResponse(
        request,
        template,
        {
            "session": session,
            "csrf": session.csrf,
            "menu": menu if session.signed_in and not session.must_change_password else [],
            "active": active,
            "prefs": preferences(request),
            **context,
        },
        status_code=status_code,
    )
