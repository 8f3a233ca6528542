"""Contact: keep your numbers and choose where calls ring, Desk / Mobile / Home / Temporary / None (§3.3)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from smartnumbers_web.api import ApiError
from smartnumbers_web.bounds import Number
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from smartnumbers_web.pages.labels import LOCATIONS

router = APIRouter(include_in_schema=False)
KEPT = ("desk", "mobile", "home")


async def _page(request: Request, api: ApiClient, **context: Any) -> Response:
    presence = await api.get("presence", "/v1/users/me/presence")
    return render(
        request, "contact.html", active="contact", presence=presence, locations=LOCATIONS, **context
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
