"""Contact: keep your numbers and choose where calls ring, Desk / Mobile / Home / Temporary / None (§3.3);
your fax locations and where faxes go, a fax machine or Fax-to-email (§5.5, §5.6: the toolbar's Fax
location lands here, on ``#faxes``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from smartnumbers_web.api import ApiError
from smartnumbers_web.bounds import Number
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from smartnumbers_web.pages.labels import FAX_DELIVERY, FAX_LOCATIONS, LOCATIONS

router = APIRouter(include_in_schema=False)
KEPT = ("desk", "mobile", "home")
MAILBOX = "/v1/mailboxes/users/me"


async def _page(request: Request, api: ApiClient, **context: Any) -> Response:
    presence = await api.get("presence", "/v1/users/me/presence")
    mailbox = await api.get("mailbox", MAILBOX)
    return render(
        request,
        "contact.html",
        active="contact",
        presence=presence,
        locations=LOCATIONS,
        fax_delivery=context.pop("fax_delivery", None) or mailbox["fax_delivery"],
        fax_deliveries=FAX_DELIVERY,
        fax_locations=FAX_LOCATIONS,
        **context,
    )


@router.get("/contact")
async def contact(request: Request, session: SignedIn, api: ApiClient) -> Response:
    return await _page(request, api)


@router.post("/contact")
async def save_contact(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    location: Annotated[str, Form(max_length=20)],
    desk: Number = "",
    mobile: Number = "",
    home: Number = "",
    temporary: Number = "",
) -> Response:
    if location not in LOCATIONS:
        return await _page(request, api, error=f"There is no location called {location!r}.", status_code=422)
    current = (await api.get("presence", "/v1/users/me/presence"))["numbers"]
    given = {"desk": desk, "mobile": mobile, "home": home}
    changed = {k: v.strip() or None for k, v in given.items() if (v.strip() or None) != current.get(k)}
    try:
        if changed:
            await api.patch("presence", "/v1/users/me/numbers", json=changed)
        selection: dict[str, Any] = {"location": location}
        if location == "temporary":
            selection["number"] = temporary.strip() or None
        await api.put("presence", "/v1/users/me/location", json=selection)
    except ApiError as error:
        return await _page(request, api, error=error.detail, status_code=error.status)
    return await _page(request, api, saved=True)


@router.post("/contact/faxes")
async def save_fax_locations(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    fax_delivery: Annotated[str, Form(max_length=20)],
    office_fax: Number = "",
    home_fax: Number = "",
    temporary_fax: Number = "",
) -> Response:
    """The fax numbers (presence keeps them) and where faxes go (the mailbox delivers them). A fax
    machine chosen without its number is refused, nothing saved (§5.6.2 asks for the number)."""
    given = {"office_fax": office_fax, "home_fax": home_fax, "temporary_fax": temporary_fax}
    given = {kind: number.strip() for kind, number in given.items()}
    if fax_delivery not in FAX_DELIVERY:
        refusal = f"There is no fax delivery called {fax_delivery!r}."
        return await _page(request, api, fax_error=refusal, status_code=422)
    if fax_delivery in FAX_LOCATIONS and not given[fax_delivery]:
        refusal = f"Type your {FAX_LOCATIONS[fax_delivery].lower()} number to send faxes there."
        return await _page(request, api, fax_error=refusal, fax_delivery=fax_delivery, status_code=422)
    current = (await api.get("presence", "/v1/users/me/presence"))["numbers"]
    changed = {k: v or None for k, v in given.items() if (v or None) != current.get(k)}
    try:
        if changed:
            await api.patch("presence", "/v1/users/me/numbers", json=changed)
        await api.patch("mailbox", f"{MAILBOX}/settings", json={"fax_delivery": fax_delivery})
    except ApiError as error:
        return await _page(request, api, fax_error=error.detail, status_code=error.status)
    return await _page(request, api, fax_saved="Your fax locations are saved.")
