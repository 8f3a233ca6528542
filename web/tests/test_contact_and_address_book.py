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
from web.tests.stack import Platform, eventually
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


def test_the_toolbars_fax_location_opens_the_fax_locations_where_faxes_are_sent(
    platform: Platform, context: Any
) -> None:
    """§5.5, §5.6: Hana shows Set Fax Location in her toolbar; it opens her Contact page's Fax
    locations. Her office fax without its number is refused and nothing is saved; with the number,
    the mailbox sends her faxes there."""
    hana = platform.ready_user("hana", "Hana Hart", "864219")
    page = context.new_page()
    sign_in(page, hana)
    page.goto("/services")
    page.locator("#toolbar-fax_location").check()
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_role("toolbar").get_by_role("link", name="Fax location").click()
    expect(page).to_have_url(platform.url + "/contact#faxes")
    faxes = page.locator("#faxes")
    expect(faxes.get_by_role("heading")).to_have_text("Fax locations")
    assert serious_violations(page) == []

    faxes.get_by_label("Send my faxes to").select_option("office_fax")
    faxes.get_by_role("button", name="Set fax locations").click()
    expect(page.locator("#fax-error")).to_have_text("Type your office fax number to send faxes there.")
    token = api_sign_in(platform.directory.url, hana.number, hana.password)
    mailbox = f"{platform.mailbox.url}/v1/mailboxes/users/me"
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(mailbox, headers=headers).json()["fax_delivery"] == "mailbox"

    faxes.get_by_label("Office fax number").fill("01632 960123")
    faxes.get_by_role("button", name="Set fax locations").click()
    expect(page.locator("#fax-saved")).to_have_text("Your fax locations are saved.")
    expect(faxes.get_by_label("Send my faxes to")).to_have_value("office_fax")
    expect(faxes.get_by_label("Office fax number")).not_to_have_value("")
    eventually(lambda: bool(httpx.get(mailbox, headers=headers).json()["fax_numbers"].get("office_fax")))
    assert httpx.get(mailbox, headers=headers).json()["fax_delivery"] == "office_fax"
