"""Web Services preferences (§6): the startup page and the toolbar, for the web and a PDA.

They are the user's: the directory keeps them with the user (``/v1/users/me/web-preferences``),
so they follow the user to any browser. Each page shows them from a cookie of their own
(nothing secret in them), written from the directory's copy at sign-in and on every change and
removed at sign-out, so no page waits for the directory; every value is checked against the
known ones.
"""

from __future__ import annotations

import base64

from fastapi import Request, Response
from pydantic import BaseModel, ValidationError, field_validator
from smartnumbers_web.api import Api, ApiError

COOKIE = "sn_prefs"
STARTUP_PAGES = {
    "contact": "Contact",
    "services": "Services",
    "vmail": "VMail",
    "address-book": "Address Book",
    "call-manager": "Call Manager",
    "statistics": "Statistics",
}
TOOLBAR_ITEMS = {
    "location": "Set Location",
    "availability": "Set Availability",
    "team_availability": "Set Team Availability",
    "fax_location": "Set Fax Location",
    "today_greeting": "Record Today's Greeting",
    "search": "Search Directory",
}


class Preferences(BaseModel):
    startup_page: str = "contact"
    toolbar: list[str] = ["location", "availability", "search"]
    pda_toolbar: list[str] = ["location", "search"]
    pda_layout: bool = False

    @field_validator("startup_page")
    @classmethod
    def _known_page(cls, value: str) -> str:
        if value not in STARTUP_PAGES:
            raise ValueError(f"no page called {value!r}")
        return value

    @field_validator("toolbar", "pda_toolbar")
    @classmethod
    def _known_items(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in TOOLBAR_ITEMS]
        if unknown:
            raise ValueError(f"no toolbar item called {unknown[0]!r}")
        return value

    @property
    def shown_toolbar(self) -> list[str]:
        return self.pda_toolbar if self.pda_layout else self.toolbar


def preferences(request: Request) -> Preferences:
    raw = request.cookies.get(COOKIE)
    if raw:
        try:
            return Preferences.model_validate_json(base64.urlsafe_b64decode(raw.encode()))
        except (ValidationError, ValueError):
            pass
    return Preferences()


def keep(response: Response, prefs: Preferences, *, secure: bool) -> None:
    response.set_cookie(
        COOKIE,
        base64.urlsafe_b64encode(prefs.model_dump_json().encode()).decode(),
        max_age=5 * 365 * 24 * 3600,
        httponly=True,
        samesite="strict",
        secure=secure,
    )


PATH = "/v1/users/me/web-preferences"


async def of_user(api: Api) -> Preferences | None:
    """The user's preferences as the directory keeps them (None: it could not say)."""
    try:
        kept = await api.get("directory", PATH)
    except ApiError:
        return None
    chosen = {name: value for name, value in kept.items() if value is not None}
    try:
        return Preferences(**chosen)
    except ValidationError:  # a page or toolbar item this web no longer offers
        return Preferences()


async def store(api: Api, prefs: Preferences) -> None:
    """Kept with the user (raises ApiError when the directory refuses)."""
    await api.put("directory", PATH, json=prefs.model_dump())


def forget(response: Response) -> None:
    response.delete_cookie(COOKIE)
