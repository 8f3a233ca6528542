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
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
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
