"""Stories of the Contact page (§3.3) and the Address Book's live presence (§4.3).

1. Dave keeps his numbers and selects Mobile on his Contact page; the page says where calls ring.
2. Erin, in her own browser, has the Address Book open on Dave; his location changes there
   live, without a reload, when Dave selects Mobile, and again when he selects None.
3. Selecting Home without a home number is refused in presence's words and changes nothing.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from web.tests.conftest import LIVE
from web.tests.pages import serious_violations, sign_in, wait_for_live
from web.tests.stack import Platform


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
