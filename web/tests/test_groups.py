"""Story (§4.5): a user makes a group with herself as leader, a colleague and a contact in it,
nested in another group, and sends the group an SMS; the directory counts the numbers reached.
She deletes the group: the page asks first, and Cancel keeps it."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import expect

from web.tests.pages import serious_violations, sign_in
from web.tests.stack import Platform
from web.tests.stack import sign_in as api_sign_in


def test_a_user_creates_a_group_and_sends_it_an_sms(platform: Platform, context: Any) -> None:
    una = platform.ready_user("una", "Una Upton", "864219")
    platform.ready_user("vic", "Vic Vane", "917253")
    admin = {"Authorization": f"Bearer {platform.admin_token}"}
    r = httpx.patch(
        platform.directory.url + "/v1/users/vic", json={"sms_number": "07700 900481"}, headers=admin
    )
    assert r.status_code == 200, r.text
    token = api_sign_in(platform.directory.url, una.number, una.password)
    una_token = {"Authorization": f"Bearer {token}"}
    r = httpx.post(
        platform.directory.url + "/v1/contacts",
        json={"first_name": "Wes", "last_name": "West", "numbers": {"mobile": ["07700 900482"]}},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code in (200, 201), r.text
    contact = r.json()["id"]

    page = context.new_page()
    sign_in(page, una)
    page.goto("/address-book")
    page.get_by_role("link", name="Groups").click()
    page.get_by_label("Group name").fill("Everyone")
    page.get_by_role("button", name="Create group").click()
    everyone = page.url.split("id=")[1]
    page.goto("/groups")
    page.get_by_label("Group name").fill("Project Lark")
    page.get_by_label("Leader (user id)").fill("una")
    page.get_by_label("Members (user ids").fill(f"vic, contact:{contact}")
    page.get_by_label("Member of the groups").fill(everyone)
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_role("heading", name="Project Lark")).to_be_visible()
    group = page.url.split("id=")[1]
    expect(page.locator("#members")).to_contain_text("Vic Vane")
    expect(page.locator("#members")).to_contain_text("Wes West")
    assert serious_violations(page) == []

    page.get_by_label("SMS to the whole group").fill("Stand-up moved to 10:30")
    page.get_by_role("button", name="Send SMS").click()
    expect(page.get_by_role("status")).to_have_text("The SMS is on its way to 2 numbers.")

    # Delete asks first, on a page of its own; Cancel keeps the group.
    page.get_by_role("button", name="Delete group").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete the group Project Lark?")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("heading", name="Project Lark")).to_be_visible()
    assert httpx.get(f"{platform.directory.url}/v1/groups/{group}", headers=una_token).status_code == 200
    page.get_by_role("button", name="Delete group").click()
    page.get_by_role("button", name="Yes, delete the group Project Lark").click()
    expect(page.locator("#saved")).to_have_text("The group Project Lark is deleted.")
    assert httpx.get(f"{platform.directory.url}/v1/groups/{group}", headers=una_token).status_code == 404
