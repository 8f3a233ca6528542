"""Stories of the Address Book's lists and a contact's page (user guide §4).

Asterisk is FAKED at its wire protocol (gateway/tests/fake_ami.py) so that click-to-dial from a
list reaches it; the directory, presence, routing, mailbox, gateway and web are real processes.

1. Ivy adds Jack to her Phone Book and makes him a VIP, and a contact to her Call List, from the
   search results; each list's page, reached from the Address Book's menu, lists what she added
   (Jack with his presence, which changes live) and dials from there; she removes one entry,
   then every entry of a list (which asks first).
2. Kate adds a private contact (Who sees it and Who may edit it: Private; Private / Staff is
   refused, the form kept to correct): it is on her Private page; she edits it (names, numbers,
   company), a wrong number is refused with nothing changed, and she deletes it (the page asks
   first; Cancel, or a form without the confirm step, deletes nothing). Liam cannot open it;
   her Staff contact that only she may edit he sees, without Edit or Delete.
3. Ned may edit and delete Mia's Staff contact (but not change who may see it), and may not
   change or delete the one she keeps Editable by Private, even with a hand-made request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from smartnumbers_kit.testing import own_nats_server

from gateway.tests.fake_ami import FakeAmi
from web.tests.pages import serious_violations, sign_in, wait_for_live
from web.tests.stack import Person, Platform, running_platform
from web.tests.stack import sign_in as api_sign_in
from web.tests.test_calls import fake_asterisk as fake_asterisk  # the FAKE Asterisk's AMI (a fixture)

FakeAsterisk = tuple[asyncio.AbstractEventLoop, FakeAmi, int]


@pytest.fixture(scope="module")
def platform(
    tmp_path_factory: pytest.TempPathFactory, dev_keys: tuple[Path, Path], fake_asterisk: FakeAsterisk
) -> Iterator[Platform]:
    """On a nats-server of its own (see conftest's platform), with routing and the gateway."""
    tmp = tmp_path_factory.mktemp("web-book")
    org = f"org{tmp.name[-6:].replace('-', '')}"
    with (
        own_nats_server(tmp) as nats_server,
        running_platform(tmp, nats_server.url, dev_keys, org, ami_port=fake_asterisk[2]) as p,
    ):
        yield p


def add_contact(platform: Platform, owner: Person, **body: Any) -> str:
    token = api_sign_in(platform.directory.url, owner.number, owner.password)
    r = httpx.post(
        platform.directory.url + "/v1/contacts", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def contact_status(platform: Platform, owner: Person, contact_id: str) -> int:
    token = api_sign_in(platform.directory.url, owner.number, owner.password)
    return httpx.get(
        f"{platform.directory.url}/v1/contacts/{contact_id}", headers={"Authorization": f"Bearer {token}"}
    ).status_code


def test_the_phone_book_vips_and_call_list_list_what_was_added_and_dial_from_there(
    platform: Platform, context: Any, fake_asterisk: FakeAsterisk
) -> None:
    _, ami, _ = fake_asterisk
    ivy = platform.ready_user("ivy", "Ivy Irons", "864219")
    jack_person = platform.ready_user("jack", "Jack Jones", "917253")
    add_contact(platform, ivy, first_name="Lee", last_name="Lamb", numbers={"office": ["01632 960771"]})
    page = context.new_page()
    sign_in(page, ivy)
    page.get_by_label("Mobile number").fill("07700 900771")
    page.get_by_role("main").get_by_label("Location", exact=True).select_option("mobile")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#current-location")).to_have_text("Mobile")

    # 1. From the search results: Jack to the Phone Book and the VIPs, Lee Lamb to the Call List.
    page.goto("/address-book?q=jones")
    page.get_by_role("button", name="Add Jack Jones to your Phone Book").click()
    expect(page.locator("#saved")).to_have_text("Added to your Phone Book.")
    page.get_by_role("button", name="Make Jack Jones a VIP").click()
    expect(page.locator("#saved")).to_have_text("Added to your VIP list.")
    page.goto("/address-book?q=lamb")
    page.get_by_role("button", name="Add Lee Lamb to your Call List").click()
    expect(page.locator("#saved")).to_have_text("Added to your Call List.")

    # 2. Each list's page, from the Address Book's own menu.
    book = page.get_by_role("navigation", name="Address Book")
    book.get_by_role("link", name="Phone Book").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Address Book: Phone Book")
    expect(page.locator("#entries caption")).to_have_text("1 in your Phone Book")
    jack = page.get_by_role("row", name="Jack Jones")
    expect(jack.get_by_role("cell").nth(1)).to_have_text("None")  # his location, live
    assert serious_violations(page) == []
    number = jack.get_by_role("button").first.inner_text()
    jack.get_by_role("button", name=f"Call Jack Jones on {number}").click()
    expect(page.locator("#dialled")).to_have_text(f"Your phone rings first, then {number} is called.")
    originate = [a for a in ami.actions if a["Action"] == "Originate"][-1]
    assert originate["Channel"] == "Local/447700900771@phones"
    assert f"SN_CONNECT_NUM={number}" in originate["Variable"]

    book.get_by_role("link", name="Call List").click()
    expect(page.locator("#entries caption")).to_have_text("1 in your Call List")
    expect(page.get_by_role("row", name="Lee Lamb").get_by_role("button")).to_have_text("+441632960771")
    expect(page.get_by_role("row", name="Jack Jones")).to_have_count(0)
    book.get_by_role("link", name="VIPs").click()
    vip = page.get_by_role("row", name="Jack Jones")
    expect(vip.get_by_role("cell").nth(2)).to_have_text("Available")
    assert serious_violations(page) == []
    wait_for_live(page)
    token = api_sign_in(platform.directory.url, jack_person.number, jack_person.password)
    r = httpx.put(
        platform.presence.url + "/v1/users/me/availability",
        json={"availability": "voicemail"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    expect(vip.get_by_role("cell").nth(2)).to_have_text("Voicemail")  # live, no reload

    # 3. Remove: the ticked entry; then every entry, with the box at the top of the list.
    page.get_by_role("navigation", name="Address Book").get_by_role("link", name="Phone Book").click()
    page.get_by_label("Select Jack Jones").check()
    page.get_by_role("button", name="Remove").click()
    expect(page.locator("#saved")).to_have_text("Removed 1 entry from your Phone Book.")
    expect(page.locator("#entries caption")).to_have_text("0 in your Phone Book")
    page.get_by_role("navigation", name="Address Book").get_by_role("link", name="Call List").click()
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("alert")).to_have_text("Tick the entries to remove first.")
    page.get_by_label("All", exact=True).check()
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove every entry from your Call List?")
    page.get_by_role("button", name="Yes, remove every entry").click()
    expect(page.locator("#saved")).to_have_text("Removed every entry from your Call List.")
    expect(page.locator("#entries caption")).to_have_text("0 in your Call List")
    page.get_by_role("navigation", name="Address Book").get_by_role("link", name="VIPs").click()
    expect(page.locator("#entries caption")).to_have_text("1 in your VIPs")  # the other lists kept


def test_a_private_contact_is_listed_edited_and_deleted_by_its_owner(
    platform: Platform, browser: Any, context: Any
) -> None:
    kate = platform.ready_user("kate", "Kate King", "864219")
    liam = platform.ready_user("liam", "Liam Lowe", "917253")
    page = context.new_page()
    sign_in(page, kate)
    page.goto("/address-book")
    page.get_by_label("First name").fill("Kim")
    page.get_by_label("Last name").fill("Kent")
    page.get_by_label("Mobile number").fill("07700 900781")
    page.get_by_label("Who sees it").select_option("private")
    page.get_by_role("button", name="Add contact").click()  # Who may edit it: still Staff
    expect(page.get_by_role("alert")).to_contain_text("editable by staff is wider than viewable by private")
    expect(page.get_by_label("Last name")).to_have_value("Kent")  # kept to correct
    expect(page.get_by_label("Who sees it")).to_have_value("private")
    page.get_by_label("Who may edit it").select_option("private")
    page.get_by_role("button", name="Add contact").click()
    expect(page.locator("#saved")).to_have_text("Kim Kent is added.")
    page.get_by_label("First name").fill("Pat")
    page.get_by_label("Last name").fill("Partner")
    page.get_by_label("Who sees it").select_option("staff")
    page.get_by_label("Who may edit it").select_option("private")
    page.get_by_role("button", name="Add contact").click()
    expect(page.locator("#saved")).to_have_text("Pat Partner is added.")
    page.get_by_role("row", name="Pat Partner").get_by_role("link", name="Pat Partner").click()
    expect(page.locator("#viewable-by")).to_have_text("Staff")
    expect(page.locator("#editable-by")).to_have_text("Private")
    partner = page.url.rsplit("/", 1)[-1]

    # 1. On her Private page; its name opens the contact's page.
    page.get_by_role("navigation", name="Address Book").get_by_role("link", name="Private").click()
    expect(page.locator("#entries caption")).to_have_text("1 in your Private")
    page.get_by_role("row", name="Kim Kent").get_by_role("link", name="Kim Kent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kim Kent")
    expect(page.locator("#viewable-by")).to_have_text("Private")
    expect(page.locator("#editable-by")).to_have_text("Private")
    contact_id = page.url.rsplit("/", 1)[-1]
    assert serious_violations(page) == []

    # 2. A wrong number is refused in the directory's words, and nothing changes.
    page.get_by_label("Mobile numbers").fill("07700 900782, call me")
    page.get_by_label("Company").fill("Initech")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("mobile number")
    expect(page.get_by_label("Mobile numbers")).to_have_value("07700 900782, call me")  # kept to correct
    page.goto(f"/address-book/contacts/{contact_id}")
    expect(page.get_by_label("Mobile numbers")).to_have_value("+447700900781")
    expect(page.get_by_label("Company")).to_have_value("")

    # 3. She edits it: a second number, a company, a new last name (the display name follows).
    page.get_by_label("Mobile numbers").fill("07700 900781, 07700 900782")
    page.get_by_label("Company").fill("Initech")
    page.get_by_label("Last name").fill("Kerr")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#saved")).to_have_text("Saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kim Kerr")
    expect(page.get_by_role("button", name="Call Kim Kerr on +447700900782")).to_be_visible()
    expect(page.get_by_label("Mobile numbers")).to_have_value("+447700900781, +447700900782")
    expect(page.locator("#viewable-by")).to_have_text("Private")

    # 4. Liam cannot open it: for him it does not exist.
    liams = browser.new_context(base_url=platform.url)
    try:
        other = liams.new_page()
        sign_in(other, liam)
        other.goto(f"/address-book/contacts/{contact_id}")
        expect(other.get_by_role("alert")).to_contain_text("contact")
        expect(other.get_by_role("button", name="Delete contact")).to_have_count(0)
        other.goto(f"/address-book/contacts/{partner}")  # Staff, editable by Kate only
        expect(other.get_by_role("heading", level=1)).to_have_text("Pat Partner")
        expect(other.locator("#not-editable")).to_be_visible()
    finally:
        liams.close()

    # 5. Delete asks first, on a page of its own: Cancel, or a form without the confirm step,
    #    deletes nothing. She confirms: gone from her Private page, and from the directory.
    page.get_by_role("button", name="Delete contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete Kim Kerr?")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kim Kerr")
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
    unconfirmed = page.request.post(f"/address-book/contacts/{contact_id}/delete", form={"csrf_token": csrf})
    assert unconfirmed.status == 200 and "Delete Kim Kerr?" in unconfirmed.text()
    assert contact_status(platform, kate, contact_id) == 200
    page.get_by_role("button", name="Delete contact").click()
    page.get_by_role("button", name="Yes, delete Kim Kerr").click()
    expect(page.locator("#saved")).to_have_text("Kim Kerr is deleted.")
    page.get_by_role("navigation", name="Address Book").get_by_role("link", name="Private").click()
    expect(page.locator("#entries caption")).to_have_text("0 in your Private")
    assert contact_status(platform, kate, contact_id) == 404


def test_a_colleague_edits_a_staff_contact_but_not_one_editable_by_its_owner_only(
    platform: Platform, context: Any
) -> None:
    mia = platform.ready_user("mia", "Mia Moss", "864219")
    ned = platform.ready_user("ned", "Ned Nash", "917253")
    shared = add_contact(platform, mia, first_name="Sue", last_name="Staff")
    kept = add_contact(platform, mia, first_name="Oona", last_name="Owned", editable_by="private")
    page = context.new_page()
    sign_in(page, ned)

    # 1. Mia's contact Editable by Private: Ned sees it, with no way to change it.
    page.goto(f"/address-book/contacts/{kept}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Oona Owned")
    expect(page.locator("#not-editable")).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete contact")).to_have_count(0)
    assert serious_violations(page) == []
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
    forged = page.request.post(
        f"/address-book/contacts/{kept}/delete", form={"csrf_token": csrf, "confirmed": "yes"}
    )
    assert forged.status == 403 and "not edit it" in forged.text()
    forged = page.request.post(
        f"/address-book/contacts/{kept}", form={"csrf_token": csrf, "last_name": "Hacked"}
    )
    assert forged.status == 403
    assert contact_status(platform, mia, kept) == 200

    # 2. The Staff one he may edit, keeping who may see it (its owner's choice), and delete.
    page.goto(f"/address-book/contacts/{shared}")
    expect(page.get_by_label("Viewable by")).to_have_count(0)
    page.get_by_label("Job title").fill("Buyer")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#saved")).to_have_text("Saved.")
    expect(page.get_by_label("Job title")).to_have_value("Buyer")
    expect(page.locator("#viewable-by")).to_have_text("Staff")
    page.get_by_role("button", name="Delete contact").click()
    page.get_by_role("button", name="Yes, delete Sue Staff").click()
    expect(page.locator("#saved")).to_have_text("Sue Staff is deleted.")
    assert contact_status(platform, mia, shared) == 404


def test_the_new_pages_are_for_signed_in_users_only(platform: Platform) -> None:
    for path in ("/address-book/phone-book", "/address-book/private", "/address-book/contacts/abc"):
        r = httpx.get(platform.url + path, follow_redirects=False)
        assert (r.status_code, r.headers.get("location")) == (303, "/signin"), path
    r = httpx.post(platform.url + "/address-book/vips/remove", data={"all": "1"}, follow_redirects=False)
    assert (r.status_code, r.headers.get("location")) == (303, "/signin")
