"""The attacker with two organisations, at the directory's newest routes (address-book lists with
their entries, Web Services preferences): real directory, presence and mailbox processes.

Both organisations' administrators are ``boss``. A's boss keeps a private contact as a VIP; Carol
(A) has chosen her startup page.
1. B's boss, the same user id in another organisation, with the contact's real id: cannot read,
   list, make a VIP of, change or delete it (404); his lists, entries, search and export show
   nothing of A's; A's boss's address book is as it was.
2. Alice (A) cannot make a VIP of her boss's private contact (404) nor see it in her entries; she
   and B's boss can neither read nor choose Carol's preferences (403): Carol's are as she chose.
3. No token, an expired or tampered one: 401; an initial-password token: 403.
4. A's public directory token reads a Public group but may not send its members an SMS (403);
   only the SMS A's boss sends is asked of notify.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from nats.js.api import ConsumerConfig, DeliverPolicy
from two_organisations import TwoOrganisations, add_user, client, expired_token, tampered, two_organisations

pytestmark = pytest.mark.slow
SECRET = {
    "last_name": "Quasimodo",
    "numbers": {"mobile": ["+447700900111"]},
    "viewable_by": "private",
    "editable_by": "private",
}


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory, dev_keys: tuple[Path, Path]) -> Iterator[dict[str, Any]]:
    with two_organisations(tmp_path_factory.mktemp("directory-two"), dev_keys) as t:
        boss_a = client(t.platform.directory.url, t.a.admin_token)
        r = boss_a.post("/v1/contacts", json=SECRET)
        assert r.status_code == 201, r.text
        contact = r.json()["id"]
        assert boss_a.post("/v1/address-book/vips", json={"entry": f"contact:{contact}"}).status_code == 200
        carol = client(t.platform.directory.url, t.carol_token)
        assert carol.put("/v1/users/me/web-preferences", json={"startup_page": "vmail"}).status_code == 200
        yield {"two": t, "contact": contact}


def _a_as_it_was(t: TwoOrganisations, contact: str) -> None:
    boss_a = client(t.platform.directory.url, t.a.admin_token)
    r = boss_a.get("/v1/address-book/vips/entries")
    assert [e["display_name"] for e in r.json()] == ["Quasimodo"], r.text
    assert boss_a.get(f"/v1/contacts/{contact}").json()["details"]["last_name"] == "Quasimodo"
    carol = client(t.platform.directory.url, t.carol_token)
    assert carol.get("/v1/users/me/web-preferences").json()["startup_page"] == "vmail"


def test_the_other_boss_sees_and_changes_nothing_of_the_first(two: dict[str, Any]) -> None:
    t: TwoOrganisations = two["two"]
    contact = two["contact"]
    boss_b = client(t.platform.directory.url, t.b.admin_token)
    for method, path, kwargs in [
        ("GET", f"/v1/contacts/{contact}", {}),
        ("PUT", f"/v1/contacts/{contact}", {"json": {**SECRET, "last_name": "Owned"}}),
        ("DELETE", f"/v1/contacts/{contact}", {}),
        ("POST", "/v1/address-book/vips", {"json": {"entry": f"contact:{contact}"}}),
        ("POST", "/v1/address-book/phone_book", {"json": {"entry": "user:carol"}}),
        ("DELETE", f"/v1/address-book/vips/contact:{contact}", {}),
    ]:
        r = boss_b.request(method, path, **kwargs)
        assert r.status_code == 404, f"{method} {path}: {r.status_code} {r.text}"
    for view in ("phone_book", "vips", "call_list", "private"):
        assert boss_b.get(f"/v1/address-book/{view}/entries").json() == [], view
    assert boss_b.get("/v1/search", params={"q": "Quasimodo"}).json() == []
    assert "Quasimodo" not in boss_b.get("/v1/contacts.csv").text
    assert "carol" not in boss_b.get("/v1/users").text
    assert boss_b.delete("/v1/address-book/vips").status_code == 200  # his own list, empty
    _a_as_it_was(t, contact)


def test_lists_and_preferences_are_their_owners(two: dict[str, Any]) -> None:
    t: TwoOrganisations = two["two"]
    contact = two["contact"]
    alice = client(t.platform.directory.url, t.a.user_token)
    r = alice.post("/v1/address-book/vips", json={"entry": f"contact:{contact}"})
    assert r.status_code == 404, r.text
    assert alice.get("/v1/address-book/vips/entries").json() == []
    assert alice.get("/v1/address-book/private/entries").json() == []
    for token in (t.a.user_token, t.b.admin_token, t.a.admin_token):
        someone = client(t.platform.directory.url, token)
        assert someone.get("/v1/users/carol/web-preferences").status_code == 403
        r = someone.put("/v1/users/carol/web-preferences", json={"startup_page": "statistics"})
        assert r.status_code == 403, r.text
    _a_as_it_was(t, contact)


def test_without_a_good_token_nothing_is_read(two: dict[str, Any], dev_keys: tuple[Path, Path]) -> None:
    t: TwoOrganisations = two["two"]
    url = t.platform.directory.url
    assert httpx.get(url + "/v1/address-book/vips/entries").status_code == 401
    for token in (expired_token(dev_keys, t.a.id, "boss"), tampered(t.b.admin_token, t.a.id)):
        assert client(url, token).get("/v1/address-book/vips/entries").status_code == 401
    _, initial = add_user(t.platform, t.a.admin_token, "dave", "Dave Dean", change=False)
    r = client(url, initial).get("/v1/users/me/web-preferences")
    assert r.status_code == 403 and "change your password" in r.text
    _a_as_it_was(t, contact=two["contact"])


async def _sms_requested(nats_url: str, organisation_id: str) -> list[dict[str, Any]]:
    """Every SMS the directory asked notify to send for the organisation, from the stream."""
    nc = await nats.connect(nats_url)
    try:
        sub = await nc.jetstream().subscribe(
            "notify.sms.send.v1",
            ordered_consumer=True,
            config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL),
        )
        found = []
        while True:
            try:
                found.append(json.loads((await sub.next_msg(timeout=2)).data))
            except (TimeoutError, nats.errors.TimeoutError):
                return [f for f in found if f["organisation_id"] == organisation_id]
    finally:
        await nc.close()


def test_a_public_directory_token_reads_but_sends_no_sms(two: dict[str, Any]) -> None:
    """The token an administrator publishes for the organisation's public directory may read (and,
    as the guide's Editable by Public says, edit) a Public group, but not text its members."""
    t: TwoOrganisations = two["two"]
    d = t.platform.directory.url
    boss_a = client(d, t.a.admin_token)
    r = boss_a.post(
        "/v1/contacts",
        json={"last_name": "Supplier", "numbers": {"mobile": ["+447700900333"]}, "viewable_by": "public"},
    )
    assert r.status_code == 201, r.text
    group = {
        "name": "Suppliers",
        "members": [f"contact:{r.json()['id']}"],
        "viewable_by": "public",
        "editable_by": "public",
    }
    r = boss_a.post("/v1/groups", json=group)
    assert r.status_code == 201, r.text
    group_id = r.json()["id"]
    public = client(d, boss_a.post("/v1/public-tokens").json()["access_token"])
    assert public.get(f"/v1/groups/{group_id}").json()["details"]["name"] == "Suppliers"
    r = public.post(f"/v1/groups/{group_id}/sms", json={"text": "Spam from the internet"})
    assert r.status_code == 403, r.text
    # The organisation's own user may: the one SMS asked for is his.
    r = boss_a.post(f"/v1/groups/{group_id}/sms", json={"text": "Deliveries at 3"})
    assert r.status_code == 202 and r.json()["recipients"] == 1, r.text
    sent = asyncio.run(_sms_requested(t.platform.nats_url, t.a.id))
    assert [(s["text"], s["requested_by"]) for s in sent] == [("Deliveries at 3", "boss")]
