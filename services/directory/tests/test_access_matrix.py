"""Who may see and edit a contact, on every read and write path, through the API (§4.1.1).

For each Viewable by / Editable by setting, five readers: the owner, a colleague (same
organisation), an administrator, a user of another organisation, and a public directory
token. Each reads the contact's details, searches for it by name and by number, looks its
number up, exports the organisation's contacts, lists a group it is in, and edits it.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from .e2e import client, create_organisation

READERS = ("owner", "colleague", "admin", "other", "public")
MATRIX = {
    # (viewable_by, editable_by): the readers who see it, and who may edit it
    ("private", "private"): ({"owner"}, {"owner"}),
    ("staff", "private"): ({"owner", "colleague", "admin"}, {"owner"}),
    ("staff", "staff"): ({"owner", "colleague", "admin"}, {"owner", "colleague", "admin"}),
    ("public", "private"): ({"owner", "colleague", "admin", "public"}, {"owner"}),
    ("public", "staff"): ({"owner", "colleague", "admin", "public"}, {"owner", "colleague", "admin"}),
    ("public", "public"): ({"owner", "colleague", "admin", "public"}, set(READERS) - {"other"}),
}


@pytest.fixture(scope="module")
def tokens(service, mint):
    org, other = f"org-{uuid.uuid4().hex[:8]}", f"org-{uuid.uuid4().hex[:8]}"
    create_organisation(service, org, "boss")
    create_organisation(service, other, "mallory")
    with httpx.Client(
        base_url=service.url, headers={"Authorization": f"Bearer {mint('boss', org, 'admin')}"}
    ) as boss:
        for user_id in ("owner", "colleague"):
            r = boss.post(
                "/v1/users", json={"user_id": user_id, "display_name": user_id, "initial_password": "739182"}
            )
            assert r.status_code == 201, r.text
        public = boss.post("/v1/public-tokens").json()["access_token"]
    return org, {
        "owner": mint("owner", org),
        "colleague": mint("colleague", org),
        "admin": mint("boss", org, "admin"),
        "other": mint("owner", other),
        "public": public,
    }


async def what_each_reader_can_do(
    service, tokens, contact_id: str, name: str, number: str, group_id: str, settings: tuple[str, str]
):
    seen, edited = set(), set()
    for reader in READERS:
        async with client(service, tokens[reader]) as c:
            details = await c.get(f"/v1/contacts/{contact_id}")
            found = (
                [r["id"] for r in (await c.get("/v1/search", params={"q": name})).json()]
                if reader != "other"
                else []
            )
            by_number = [r["id"] for r in (await c.get("/v1/search", params={"q": number})).json()]
            lookup = await c.get("/v1/reverse-lookup", params={"number": number})
            exported = [x["contact_id"] for x in (await c.get("/v1/contacts")).json()]
            csv = (await c.get("/v1/contacts.csv")).text
            group = await c.get(f"/v1/groups/{group_id}")
            in_group = (
                group.status_code == 200 and f"contact:{contact_id}" in group.json()["details"]["members"]
            )
            views = {
                details.status_code == 200,
                contact_id in exported,
                contact_id in csv,
                lookup.status_code == 200 and lookup.json()["id"] == contact_id,
                contact_id in by_number,
            }
            if reader != "other":
                views.add(contact_id in found)
            if reader in ("owner", "colleague", "admin"):
                views.add(in_group)  # the group itself is Public/Public: only its members' visibility varies
            assert len(views) == 1, f"{reader} sees the contact on some paths and not on others"
            if views.pop():
                seen.add(reader)
            change = await c.put(
                f"/v1/contacts/{contact_id}",
                json={
                    "last_name": name,
                    "first_name": reader,
                    "numbers": {"office": [number]},
                    "viewable_by": settings[0],
                    "editable_by": settings[1],
                },
            )
            assert change.status_code in (200, 403, 404), change.text
            if change.status_code == 200:
                edited.add(reader)
    return seen, edited


@pytest.mark.parametrize("settings", sorted(MATRIX))
async def test_access_matrix(service, tokens, settings):
    _org, token = tokens
    viewable, editable = settings
    name = f"Zed{uuid.uuid4().hex[:6]}"
    number = f"+4479{uuid.uuid4().int % 10**8:08d}"
    async with client(service, token["owner"]) as owner:
        r = await owner.post(
            "/v1/contacts",
            json={
                "last_name": name,
                "numbers": {"office": [number]},
                "viewable_by": viewable,
                "editable_by": editable,
            },
        )
        contact_id = r.json()["id"]
        r = await owner.post(
            "/v1/groups",
            json={
                "name": f"G {name}",
                "members": [f"contact:{contact_id}"],
                "viewable_by": "public",
                "editable_by": "public",
            },
        )
        assert r.status_code == 201, r.text
        group_id = r.json()["id"]
    seen, edited = await what_each_reader_can_do(service, token, contact_id, name, number, group_id, settings)
    assert (seen, edited) == MATRIX[settings]
