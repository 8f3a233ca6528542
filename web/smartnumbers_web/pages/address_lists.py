"""The Address Book's own lists (§4): Phone Book, VIPs, Call List and Private, each a page with
click-to-dial on every number and live presence; Remove one entry, several, or all (§4.1.2;
all asks first).

Each list is the signed-in user's own (the directory answers for ``/v1/address-book`` only
for its reader): nobody sees another user's lists. Adding to a list is on the search results
(``address_book.py``)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from smartnumbers_web.api import ApiError
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from smartnumbers_web.pages.confirm import CONFIRMED, confirmation
from smartnumbers_web.pages.labels import AVAILABILITY, LOCATIONS

router = APIRouter(include_in_schema=False)
ENTRY = re.compile(r"^(user|contact):[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # as the directory's


@dataclass(frozen=True)
class BookList:
    slug: str  # in the page's path: /address-book/<slug>
    name: str  # the directory's: /v1/address-book/<name>/entries
    title: str
    about: str
    added: str  # what the search page says once an entry is added (not for Private)


LISTS = {
    b.slug: b
    for b in (
        BookList(
            "phone-book", "phone_book", "Phone Book", "Contacts you call often.", "Added to your Phone Book."
        ),
        BookList(
            "vips",
            "vips",
            "VIPs",
            "Contacts who reach you whatever your availability (§4.1.2).",
            "Added to your VIP list.",
        ),
        BookList(
            "call-list",
            "call_list",
            "Call List",
            "Contacts you plan to call in the next few days.",
            "Added to your Call List.",
        ),
        BookList("private", "private", "Private", "Contacts only you can see and edit.", ""),
    )
}
ADDABLE = [b for b in LISTS.values() if b.added]


async def list_page(request: Request, api: ApiClient, book: BookList, **context: Any) -> Response:
    entries, error = [], context.pop("error", None)
    try:
        entries = await api.get("directory", f"/v1/address-book/{book.name}/entries")
    except ApiError as e:
        error = e.detail
    return render(
        request,
        "address_book_list.html",
        active="address-book",
        book=book,
        lists=LISTS,
        entries=entries,
        error=error,
        locations=LOCATIONS,
        availability=AVAILABILITY,
        **context,
    )


def _shown(book: BookList) -> Callable[..., Awaitable[Response]]:
    async def show(request: Request, session: SignedIn, api: ApiClient) -> Response:
        return await list_page(request, api, book)

    return show


def _removed(book: BookList) -> Callable[..., Awaitable[Response]]:
    async def remove(
        request: Request,
        session: SignedIn,
        _: Csrf,
        api: ApiClient,
        entry: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI copies it)
        everything: Annotated[str, Form(alias="all")] = "",
        confirmed: Annotated[str, Form()] = "",
    ) -> Response:
        """The ticked entries, or every entry when the box at the top of the list is ticked (which
        asks first: the whole list is gone at once)."""
        if everything and confirmed != CONFIRMED:
            return confirmation(
                request,
                question=f"Remove every entry from your {book.title}?",
                consequence="They stay in the directory; only your list is emptied.",
                action=f"/address-book/{book.slug}/remove",
                button="Yes, remove every entry",
                cancel=f"/address-book/{book.slug}",
                fields=[("all", "1")],
            )
        if not everything and not entry:
            return await list_page(
                request, api, book, error="Tick the entries to remove first.", status_code=422
            )
        if not everything and (len(entry) > 200 or not all(ENTRY.match(e) for e in entry)):
            return await list_page(
                request, api, book, error="Those are not entries of your list.", status_code=422
            )
        try:
            if everything:
                await api.delete("directory", f"/v1/address-book/{book.name}")
            else:
                for e in entry:
                    await api.delete("directory", f"/v1/address-book/{book.name}/{e}")
        except ApiError as error:
            return await list_page(request, api, book, error=error.detail, status_code=error.status)
        removed = "every entry" if everything else f"{len(entry)} entr{'y' if len(entry) == 1 else 'ies'}"
        return await list_page(request, api, book, saved=f"Removed {removed} from your {book.title}.")

    return remove


for _book in LISTS.values():
    router.add_api_route(f"/address-book/{_book.slug}", _shown(_book), methods=["GET"])
    if _book.added:
        router.add_api_route(f"/address-book/{_book.slug}/remove", _removed(_book), methods=["POST"])
