"""A contact's page (§4.3 step 4): its details, click-to-dial on each number, and — for whoever
its Editable by setting lets (§4.1.1) — Edit and Delete (which asks first, on a page of its own).

The directory decides who may see and edit (a contact you may not see is a 404, one you may
not edit a 403); the page only hides what would be refused. Its Security Settings are its
owner's (the directory refuses anyone else's change to them): a colleague who may edit a Staff
contact saves it as Staff, and is not shown them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response
from smartnumbers_web.api import ApiError
from smartnumbers_web.deps import ApiClient, Csrf, SignedIn, render
from smartnumbers_web.pages.address_lists import LISTS
from smartnumbers_web.pages.confirm import CONFIRMED, confirmation
from smartnumbers_web.session import Session

router = APIRouter(include_in_schema=False)
ContactId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
NUMBER_KINDS = {"office": "Office", "mobile": "Mobile", "home": "Home", "fax": "Fax", "other": "Other"}
VISIBILITY = {"staff": "Staff", "public": "Public", "private": "Private"}
TEXT_FIELDS = ("first_name", "last_name", "display_name", "job_title", "department", "company", "email")


def may_edit(contact: dict[str, Any], session: Session) -> bool:
    """As the directory's ``can_edit`` for a signed-in user: the owner, or anyone when it is not
    Editable by Private (only contacts they may see reach the page at all)."""
    return contact["owner_id"] == session.user_id or contact["details"]["editable_by"] != "private"


def form_of(details: dict[str, Any]) -> dict[str, str]:
    """The edit form's values: text as it is, each kind's numbers separated by commas."""
    values = {f: details.get(f) or "" for f in (*TEXT_FIELDS, "related_information")}
    values |= {kind: ", ".join(details["numbers"].get(kind, [])) for kind in NUMBER_KINDS}
    return values | {"viewable_by": details["viewable_by"], "editable_by": details["editable_by"]}


async def _page(request: Request, session: Session, contact: dict[str, Any], **context: Any) -> Response:
    return render(
        request,
        "contact_details.html",
        active="address-book",
        contact=contact,
        details=contact["details"],
        form=context.pop("form", None) or form_of(contact["details"]),
        editable=may_edit(contact, session),
        owner=contact["owner_id"] == session.user_id,
        kinds=NUMBER_KINDS,
        visibility=VISIBILITY,
        lists=LISTS,
        book=None,
        **context,
    )


@router.get("/address-book/contacts/{contact_id}")
async def show(request: Request, session: SignedIn, api: ApiClient, contact_id: ContactId) -> Response:
    contact = await api.get("directory", f"/v1/contacts/{contact_id}")  # 404: the error page says so
    return await _page(request, session, contact)


@router.post("/address-book/contacts/{contact_id}")
async def change(
    request: Request, session: SignedIn, _: Csrf, api: ApiClient, contact_id: ContactId
) -> Response:
    """Save the whole contact: what the form does not show (associates) is kept as it was."""
    contact = await api.get("directory", f"/v1/contacts/{contact_id}")
    old = contact["details"]
    posted = await request.form()
    form = {k: str(posted.get(k) or "").strip() for k in form_of(old)}
    if contact["owner_id"] != session.user_id:
        form |= {"viewable_by": old["viewable_by"], "editable_by": old["editable_by"]}
    body: dict[str, Any] = {f: form[f] or None for f in (*TEXT_FIELDS, "related_information")}
    body["last_name"] = form["last_name"]
    if form["display_name"] == f"{old.get('first_name') or ''} {old['last_name']}".strip():
        body["display_name"] = None  # it was the names: it follows them
    body["numbers"] = {k: [n.strip() for n in form[k].split(",") if n.strip()] for k in NUMBER_KINDS}
    body |= {
        "associates": old.get("associates") or [],
        "viewable_by": form["viewable_by"],
        "editable_by": form["editable_by"],
    }
    try:
        changed = await api.put("directory", f"/v1/contacts/{contact_id}", json=body)
    except ApiError as error:
        return await _page(request, session, contact, form=form, error=error.detail, status_code=error.status)
    return await _page(request, session, changed, saved="Saved.")


@router.get("/address-book/contacts/{contact_id}/delete")
async def confirm_delete(
    request: Request, session: SignedIn, api: ApiClient, contact_id: ContactId
) -> Response:
    """Delete asks first (a page of its own): the contact is gone for everyone who could see it."""
    contact = await api.get("directory", f"/v1/contacts/{contact_id}")
    return _confirmation(request, contact)


def _confirmation(request: Request, contact: dict[str, Any]) -> Response:
    name, path = contact["details"]["display_name"], f"/address-book/contacts/{contact['contact_id']}"
    return confirmation(
        request,
        question=f"Delete {name}?",
        consequence="The contact is deleted for everyone who could see it, and leaves every list it is on.",
        action=f"{path}/delete",
        button=f"Yes, delete {name}",
        cancel=path,
    )


@router.post("/address-book/contacts/{contact_id}/delete")
async def delete(
    request: Request,
    session: SignedIn,
    _: Csrf,
    api: ApiClient,
    contact_id: ContactId,
    confirmed: Annotated[str, Form()] = "",
) -> Response:
    contact = await api.get("directory", f"/v1/contacts/{contact_id}")
    if confirmed != CONFIRMED:
        return _confirmation(request, contact)  # not asked yet (a form without the confirm step)
    try:
        await api.delete("directory", f"/v1/contacts/{contact_id}")
    except ApiError as error:
        return await _page(request, session, contact, error=error.detail, status_code=error.status)
    return render(
        request,
        "contact_deleted.html",
        active="address-book",
        lists=LISTS,
        book=None,
        saved=f"{contact['details']['display_name']} is deleted.",
    )
