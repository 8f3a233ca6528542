"""Contacts (§4.1, §4.2), exports, and your address book (§4.1.2, §7.4.2).

Every path reads through the same visibility rules: a contact you may not see does not
exist for you (404); one you may see but not edit answers 403.
"""

from __future__ import annotations

import csv
import io

from fastapi import APIRouter, Path, status
from fastapi.responses import PlainTextResponse
from smartnumbers_directory.domain.address_book import LISTS
from smartnumbers_directory.http.deps import App, CurrentPrincipal, Id, Staff
from smartnumbers_directory.http.schemas import (
    AddressBookView,
    ContactBody,
    ContactView,
    Created,
    ListEntry,
    SearchResult,
)
from smartnumbers_kit.bounds import PathKey

router = APIRouter(prefix="/v1", tags=["contacts"])
ListName = Path(pattern=f"^({'|'.join(LISTS)})$", description="phone_book, vips or call_list")
ViewName = Path(
    pattern=f"^({'|'.join(LISTS)}|private)$", description="phone_book, vips, call_list or private"
)


@router.post(
    "/contacts", response_model=Created, status_code=status.HTTP_201_CREATED, summary="Add a contact"
)
def add_contact(body: ContactBody, principal: CurrentPrincipal, app: App) -> Created:
    return Created(id=app.add_contact(principal, body.model_dump()))


@router.get("/contacts", response_model=list[ContactView], summary="Export every contact you may see (JSON)")
def export_contacts(principal: CurrentPrincipal, app: App) -> list[ContactView]:
    return [ContactView.of(app.contact(principal, e.id)) for e in app.visible_contacts(principal)]


@router.get(
    "/contacts.csv",
    response_class=PlainTextResponse,
    summary="Export every contact you may see (CSV)",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def export_contacts_csv(principal: CurrentPrincipal, app: App) -> PlainTextResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["contact_id", "display_name", "first_name", "last_name", "company", "job_title", "numbers"]
    )
    for e in app.visible_contacts(principal):
        f = e.fields
        writer.writerow(
            [
                e.id,
                e.display_name,
                f.get("first_name") or "",
                f.get("last_name") or "",
                f.get("company") or "",
                f.get("job_title") or "",
                " ".join(e.numbers),
            ]
        )
    return PlainTextResponse(out.getvalue(), media_type="text/csv")


@router.get("/contacts/{contact_id}", response_model=ContactView, summary="A contact's details")
def read_contact(principal: CurrentPrincipal, app: App, contact_id: str = Id()) -> ContactView:
    return ContactView.of(app.contact(principal, contact_id))


@router.put(
    "/contacts/{contact_id}", response_model=ContactView, summary="Change a contact (all its details)"
)
def change_contact(
    body: ContactBody, principal: CurrentPrincipal, app: App, contact_id: str = Id()
) -> ContactView:
    app.change_contact(principal, contact_id, body.model_dump())
    return ContactView.of(app.contact(principal, contact_id))


@router.delete("/contacts/{contact_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a contact")
def remove_contact(principal: CurrentPrincipal, app: App, contact_id: str = Id()) -> None:
    app.remove_contact(principal, contact_id)


@router.get(
    "/address-book", response_model=AddressBookView, summary="Your Phone Book, VIPs, Call List, Private"
)
def read_address_book(principal: Staff, app: App) -> AddressBookView:
    book = app.address_book(principal.organisation_id, principal.user_id)
    private = [
        e.id
        for e in app.visible_contacts(principal)
        if e.owner_id == principal.user_id and e.viewable_by == "private"
    ]
    return AddressBookView(**book.lists, private=private)


@router.get(
    "/address-book/{view}/entries",
    response_model=list[SearchResult],
    summary="One list of your address book (or your private contacts) with names, numbers and presence",
)
def read_address_book_entries(principal: Staff, app: App, view: str = ViewName) -> list[SearchResult]:
    """What the Address Book's Phone Book, VIPs, Call List and Private pages show (§4): each entry
    you may still see, in the list's order (private contacts by name), users with their presence."""
    book = read_address_book(principal, app)
    keys = [f"contact:{c}" for c in book.private] if view == "private" else getattr(book, view)
    return [SearchResult.of(f) for f in app.queries.listed(principal, keys)]


@router.post(
    "/address-book/{list_name}", response_model=AddressBookView, summary="Add to a list (Make VIP, §4.1.2)"
)
def add_to_list(body: ListEntry, principal: Staff, app: App, list_name: str = ListName) -> AddressBookView:
    app.add_to_list(principal, list_name, body.entry)
    return read_address_book(principal, app)


@router.delete(
    "/address-book/{list_name}/{entry}", response_model=AddressBookView, summary="Remove one entry"
)
def remove_from_list(
    principal: Staff, app: App, entry: PathKey, list_name: str = ListName
) -> AddressBookView:
    app.remove_from_list(principal, list_name, entry)
    return read_address_book(principal, app)


@router.delete(
    "/address-book/{list_name}", response_model=AddressBookView, summary="Remove every entry of a list"
)
def clear_list(principal: Staff, app: App, list_name: str = ListName) -> AddressBookView:
    app.remove_from_list(principal, list_name, None)
    return read_address_book(principal, app)
