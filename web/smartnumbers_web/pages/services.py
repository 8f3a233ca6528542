"""Services: availability and delegate, team calls, call introduction, call reporting (§3.6 to §3.8),
message alerts (§3.5), voice-to-email (§5.1.7), fax delivery (§5.5, §5.6), and the Web Services
preferences: startup page and toolbar (§6)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from smartnumbers_web.api import ApiError
from smartnumbers_web.bounds import Id
from smartnumbers_web.deps import ApiClient, Csrf, Prefs, SignedIn, render
from smartnumbers_web.pages.labels import AVAILABILITY, CALL_INTRODUCTION
from smartnumbers_web.preferences import STARTUP_PAGES, TOOLBAR_ITEMS, Preferences, keep, store

router = APIRouter(include_in_schema=False)
MAILBOX = "/v1/mailboxes/users/me"
ALERTS = {
    "call": "A call to your current location",
    "sms": "A text message to your mobile",
    "message_waiting": "The message waiting light on your handset",
    "email": "An email",
    "pager": "Your pager",
}
FAX_DELIVERY = {
    "mailbox": "Keep them in my mailbox",
    "office_fax": "My office fax machine",
    "home_fax": "My home fax machine",
    "temporary_fax": "My temporary fax machine",
    "email": "Email them to me",
}


async def _page(request: Request, api: ApiClient, prefs: Preferences, **context: Any) -> Response:
    presence = await api.get("presence", "/v1/users/me/presence")
    mailbox = await api.get("mailbox", MAILBOX)
    return render(
        request,
        "services.html",
        active="services",
        presence=presence,
        mailbox=mailbox,
        alerts=ALERTS,
        fax_delivery=FAX_DELIVERY,
        availability=AVAILABILITY,
        call_introduction=CALL_INTRODUCTION,
        startup_pages=STARTUP_PAGES,
        toolbar_items=TOOLBAR_ITEMS,
        shown_prefs=prefs,
        **context,
    )


@router.get("/services")
async def services(request: Request, session: SignedIn, api: ApiClient, prefs: Prefs) -> Response:
    return await _page(request, api, prefs)


@router.post("/services")
async def save_services(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    prefs: Prefs,
    availability: Annotated[str, Form()],
    call_introduction: Annotated[str, Form()],
    delegate_id: Id = "",
    team_calls: Annotated[bool, Form()] = False,
    lost_calls: Annotated[bool, Form()] = False,
    delegated_calls: Annotated[bool, Form()] = False,
) -> Response:
    before = await api.get("presence", "/v1/users/me/presence")
    try:
        choice: dict[str, Any] = {"availability": availability}
        if delegate_id.strip():
            choice["delegate_id"] = delegate_id.strip()
        if availability != before["availability"] or (delegate_id.strip() or None) != before["delegate_id"]:
            await api.put("presence", "/v1/users/me/availability", json=choice)
        if team_calls != before["available_for_team_calls"]:
            await api.put(
                "presence", "/v1/users/me/team-availability", json={"available_for_team_calls": team_calls}
            )
        if call_introduction != before["call_introduction"]:
            await api.put(
                "presence", "/v1/users/me/call-introduction", json={"call_introduction": call_introduction}
            )
        reporting = {"lost_calls": lost_calls, "delegated_calls": delegated_calls}
        if reporting != before["call_reporting"]:
            await api.put("presence", "/v1/users/me/call-reporting", json=reporting)
    except ApiError as error:
        return await _page(request, api, prefs, error=error.detail, status_code=error.status)
    return await _page(request, api, prefs, saved="Your services are saved.")


@router.post("/services/messages")
async def save_message_settings(
    request: Request, session: SignedIn, _: Csrf, api: ApiClient, prefs: Prefs
) -> Response:
    form = await request.form()
    fax = str(form.get("fax_delivery", "mailbox"))
    change = {
        "voice_to_email": form.get("voice_to_email") == "true",
        "fax_delivery": fax,
        "alerts": {key: form.get(f"alert_{key}") == "true" for key in ALERTS},
    }
    try:
        await api.patch("mailbox", f"{MAILBOX}/settings", json=change)
    except ApiError as error:
        return await _page(request, api, prefs, error=error.detail, status_code=error.status)
    return await _page(request, api, prefs, saved="Your message settings are saved.")


@router.post("/services/preferences")
async def save_preferences(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    prefs: Prefs,
    startup_page: Annotated[str, Form()],
    toolbar: Annotated[list[str] | None, Form()] = None,
    pda_toolbar: Annotated[list[str] | None, Form()] = None,
    pda_layout: Annotated[bool, Form()] = False,
) -> Response:
    try:
        chosen = Preferences(
            startup_page=startup_page,
            toolbar=toolbar or [],
            pda_toolbar=pda_toolbar or [],
            pda_layout=pda_layout,
        )
    except ValidationError as error:
        message = "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in error.errors())
        return await _page(request, api, prefs, error=message, status_code=422)
    try:
        await store(api, chosen)
    except ApiError as error:
        return await _page(request, api, prefs, error=error.detail, status_code=error.status)
    response = await _page(request, api, chosen, saved="Your preferences are saved.")
    keep(response, chosen, secure=request.app.state.settings.secure_cookies)
    return response
