"""Stories of the Contact page (§3.3) and the Address Book's live presence (§4.3).

1. Dave keeps his numbers and selects Mobile on his Contact page; the page says where calls ring.
2. Erin, in her own browser, has the Address Book open on Dave; his location changes there
   live, without a reload, when Dave selects Mobile, and again when he selects None.
3. Selecting Home without a home number is refused in presence's words and changes nothing.
"""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import expect

from web.tests.conftest import LIVE
from web.tests.pages import serious_violations, sign_in, wait_for_live
from web.tests.stack import Platform
from web.tests.stack import sign_in as api_sign_in


def test_selecting_mobile_updates_a_colleagues_open_address_book_live(
    platform: Platform, browser: Any, context: Any
) -> None:
    dave = platform.ready_user("dave", "Dave Dunn", "864219")
    erin = platform.ready_user("erin", "Erin Eve", "917253")
    erin_context = browser.new_context(base_url=platform.url)
    erin_context.add_init_script(LIVE)
    try:
        colleague = erin_context.new_page()
        sign_in(colleague, erin)
        colleague.goto("/address-book?q=dunn")
        row = colleague.get_by_role("row", name="Dave Dunn")
        expect(row.get_by_role("cell").nth(1)).to_have_text("None")
        wait_for_live(colleague)
        assert serious_violations(colleague) == []

        page = context.new_page()
        sign_in(page, dave)
        expect(page.get_by_role("heading", name="Contact")).to_be_visible()
        page.get_by_label("Desk number").fill("01632 960301")
        page.get_by_label("Mobile number").fill("07700 900301")
        page.get_by_role("main").get_by_label("Location", exact=True).select_option("mobile")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("Saved")
        expect(page.locator("#current-location")).to_have_text("Mobile")
        expect(page.get_by_label("Mobile number")).to_have_value("+447700900301")
        assert serious_violations(page) == []

        expect(row.get_by_role("cell").nth(1)).to_have_text("Mobile")  # live, no reload
        page.get_by_role("main").get_by_label("Location", exact=True).select_option("none")
        page.get_by_role("button", name="Save").click()
        expect(row.get_by_role("cell").nth(1)).to_have_text("None")
    finally:
        erin_context.close()


def test_selecting_a_location_without_its_number_is_refused(platform: Platform, context: Any) -> None:
    fay = platform.ready_user("fay", "Fay Ford", "864219")
    page = context.new_page()
    sign_in(page, fay)
    page.get_by_role("main").get_by_label("Location", exact=True).select_option("home")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("no home number")
    expect(page.locator("#current-location")).to_have_text("None")


def test_a_user_adds_a_private_contact_and_makes_it_a_vip(platform: Platform, context: Any) -> None:
    """§4.1, §4.1.2: the contact is found by name, only its owner sees it, and it is on her VIP list."""
    gus = platform.ready_user("gus", "Gus Grey", "864219")
    page = context.new_page()
    sign_in(page, gus)
    page.goto("/address-book")
    page.get_by_label("First name").fill("Zoë")
    page.get_by_label("Last name").fill("Ångström")
    page.get_by_label("Company").fill("Globex")
    page.get_by_label("Mobile number").fill("07700 900555")
    page.get_by_label("Who sees it").select_option("private")
    page.get_by_label("Who may edit it").select_option("private")  # §4.2.1 step 6: both Private
    page.get_by_role("button", name="Add contact").click()
    expect(page.get_by_role("status").filter(has_text="is added")).to_have_text("Zoë Ångström is added.")
    row = page.get_by_role("row", name="Zoë Ångström")
    expect(row.get_by_role("button", name="Call Zoë Ångström on +447700900555")).to_be_visible()
    row.get_by_role("button", name="Make Zoë Ångström a VIP").click()
    expect(page.get_by_role("status").filter(has_text="VIP")).to_have_text("Added to your VIP list.")
    assert serious_violations(page) == []

    token = api_sign_in(platform.directory.url, gus.number, gus.password)
    book = httpx.get(
        platform.directory.url + "/v1/address-book", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert len(book["vips"]) == 1 and book["vips"][0].startswith("contact:")
    assert book["private"] == [book["vips"][0].removeprefix("contact:")]
    found = httpx.get(
        platform.directory.url + "/v1/search",
        params={"q": "zoe"},
        headers={"Authorization": f"Bearer {platform.admin_token}"},
    ).json()
    assert found == []  # private: nobody else sees it
