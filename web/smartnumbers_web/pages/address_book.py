"""Address Book: search by name or number, with each user's presence live while the page is open (§4.3);
add a contact with its Security Settings, Viewable by and Editable by (§4.1, §4.2); add a result to
the Phone Book, VIPs (Make VIP, §4.1.2) or Call List; click-to-dial any number, the platform ringing
your current location first (§4.4).
The lists' pages are in ``address_lists.py``, a contact's page (edit, delete) in ``contact_details.py``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from markupsafe import escape
from smartnumbers_web.api import ApiError
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from smartnumbers_web.pages import address_lists, contact_details
from smartnumbers_web.pages.address_lists import ADDABLE, LISTS, BookList
from smartnumbers_web.pages.labels import AVAILABILITY, LOCATIONS
from starlette.background import BackgroundTask

router = APIRouter(include_in_schema=False)
router.include_router(address_lists.router)  # the lists' own pages (§4) and a contact's (§4.3)
router.include_router(contact_details.router)
VISIBILITY = {"staff": "Staff", "public": "Public", "private": "Private"}


@router.get("/address-book")
async def address_book(
    request: Request, session: SignedIn, api: ApiClient, q: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    return await _page(request, api, q)


async def _page(request: Request, api: ApiClient, q: str = "", **context: Any) -> Response:
    results, error = [], context.pop("error", None)
    if q.strip():
        try:
            results = await api.get("directory", "/v1/search", params={"q": q.strip()})
        except ApiError as e:
            error = e.detail
    return render(
        request,
        "address_book.html",
        active="address-book",
        q=q,
        results=results,
        error=error,
        locations=LOCATIONS,
        availability=AVAILABILITY,
        visibility=VISIBILITY,
        lists=LISTS,
        addable=ADDABLE,
        book=None,
        new=context.pop("new", {}),  # the new-contact form's values, kept to correct after a refusal
        **context,
    )


@router.post("/address-book/contacts")
async def add_contact(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    last_name: Annotated[str, Form()],
    first_name: Annotated[str, Form()] = "",
    company: Annotated[str, Form()] = "",
    office: Annotated[str, Form()] = "",
    mobile: Annotated[str, Form()] = "",
    viewable_by: Annotated[str, Form()] = "staff",
    editable_by: Annotated[str, Form()] = "staff",
) -> Response:
    body = {
        "first_name": first_name.strip() or None,
        "last_name": last_name.strip(),
        "company": company.strip() or None,
        "numbers": {
            "office": [n for n in [office.strip()] if n],
            "mobile": [n for n in [mobile.strip()] if n],
        },
        "viewable_by": viewable_by,
        "editable_by": editable_by,
    }
    try:
        await api.post("directory", "/v1/contacts", json=body)
    except ApiError as error:
        typed = {"first_name": first_name, "last_name": last_name, "company": company, "office": office}
        typed |= {"mobile": mobile, "viewable_by": viewable_by, "editable_by": editable_by}
        return await _page(request, api, new=typed, error=error.detail, status_code=error.status)
    return await _page(request, api, last_name.strip(), saved=f"{first_name} {last_name} is added.".strip())


def _added(book: BookList) -> Callable[..., Awaitable[Response]]:
    async def add(
        request: Request,
        session: SignedIn,
        _: Csrf,
        api: ApiClient,
        entry: Annotated[str, Form()],
        q: Annotated[str, Form()] = "",
    ) -> Response:
        """Add to the Phone Book, VIPs (Make VIP, §4.1.2) or Call List from the search results."""
        try:
            await api.post("directory", f"/v1/address-book/{book.name}", json={"entry": entry})
        except ApiError as error:
            return await _page(request, api, q, error=error.detail, status_code=error.status)
        return await _page(request, api, q, saved=book.added)

    return add


for _book in ADDABLE:
    router.add_api_route(f"/address-book/{_book.slug}", _added(_book), methods=["POST"])


@router.post("/address-book/call")
async def call(
    request: Request, session: SignedIn, _: Csrf, api: ApiClient, to: Annotated[str, Form()]
) -> Response:
    """Click-to-dial (§4.4): your current location rings first, then the number."""
    try:
        await api.post("gateway", "/v1/click-to-dial", json={"to": to})
    except ApiError as error:
        return HTMLResponse(f"<span class='error'>Not dialled: {escape(error.detail)}</span>")
    return HTMLResponse(f"Your phone rings first, then {escape(to)} is called.")


def _fragments(subject: str, event: dict[str, object]) -> list[tuple[str, str]]:
    """SSE events for htmx: ``(event name, HTML)``, one per part of a person's presence that changed."""
    user = str(event.get("user_id", ""))
    if subject.startswith("presence.user.location_changed"):
        found = [(f"location-{user}", str(escape(LOCATIONS.get(str(event.get("location")), "?"))))]
        if event.get("displaced_by"):
            found.append(
                (
                    f"displaced-{user}",
                    "<p role='alert' class='notice'>Someone else logged on to the phone you were at "
                    "(hot-desking): your location is now None and calls go to voicemail.</p>",
                )
            )
        return found
    if subject.startswith("presence.user.availability_changed"):
        return [(f"availability-{user}", str(escape(AVAILABILITY.get(str(event.get("availability")), "?"))))]
    return []


@router.get("/live/presence")
async def live_presence(request: Request, session: SignedIn, api: ApiClient) -> Response:
    """The organisation's presence feed, turned into HTML fragments for htmx's SSE extension."""
    token = await api.token()
    outgoing = api.http.build_request(
        "GET",
        api.url("presence", "/v1/presence/feed"),
        headers={"Authorization": f"Bearer {token}", "Accept": "text/event-stream"},
        timeout=None,
    )
    upstream = await api.http.send(outgoing, stream=True)
    if upstream.status_code != 200:
        await upstream.aclose()
        return Response(status_code=204)  # htmx stops retrying; the page still shows what it read

    async def events() -> AsyncIterator[bytes]:
        yield b": connected\n\n"
        subject = ""
        async for line in upstream.aiter_lines():
            if line.startswith("event:"):
                subject = line[6:].strip()
            elif line.startswith("data:"):
                payload = json.loads(line[5:])
                for name, html in _fragments(subject, payload):
                    yield f"event: {name}\ndata: {html}\n\n".encode()
            elif line.startswith(":"):
                yield b": keepalive\n\n"

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        background=BackgroundTask(upstream.aclose),
    )
