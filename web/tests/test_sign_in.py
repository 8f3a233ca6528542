"""Story 1 (§2, §3.2): a user signs in with the initial password and must change it first.

1. Alice opens the Web Services and is sent to sign in.
2. A wrong password is refused with a message; nothing else opens.
3. With her initial password she reaches only the password change, told why.
4. A new password that breaks the rules is refused in the directory's words.
5. A good one opens her start page with the menu bar and toolbar.
6. She signs out and back in with the new password: straight to her start page.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from web.tests.pages import serious_violations, sign_in
from web.tests.stack import INITIAL, Platform


def test_a_user_signs_in_and_changes_the_initial_password(platform: Platform, context: Any) -> None:
    alice = platform.new_user("alice", "Alice Archer")
    page = context.new_page()

    # 1
    page.goto("/contact")
    expect(page).to_have_url(platform.url + "/signin")
    assert serious_violations(page) == []

    # 2
    sign_in(page, alice, password="111111")
    expect(page.get_by_role("alert")).to_contain_text("number or password is not right")
    expect(page.get_by_role("navigation", name="Menu bar")).to_have_count(0)

    # 3
    sign_in(page, alice, password=INITIAL)
    expect(page).to_have_url(platform.url + "/password")
    expect(page.get_by_role("status")).to_contain_text("must change your initial password")
    page.goto("/contact")
    expect(page).to_have_url(platform.url + "/password")
    assert serious_violations(page) == []

    # 4
    page.get_by_label("Old password").fill(INITIAL)
    page.get_by_label("New password", exact=True).fill("0917253")
    page.get_by_label("Confirm new password").fill("0917253")
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot begin with zero")
    expect(page).to_have_url(platform.url + "/password")

    # 5
    page.get_by_label("Old password").fill(INITIAL)
    page.get_by_label("New password", exact=True).fill("917253")
    page.get_by_label("Confirm new password").fill("917253")
    page.get_by_role("button", name="Change Password").click()
    expect(page).to_have_url(platform.url + "/contact")
    menu = page.get_by_role("navigation", name="Menu bar")
    for item in ("Contact", "Services", "Security", "VMail", "Address Book", "Call Manager"):
        expect(menu.get_by_role("link", name=item)).to_be_visible()
    expect(menu.get_by_role("link", name="Administration")).to_have_count(0)
    expect(page.get_by_role("toolbar").get_by_label("Location")).to_have_value("none")
    assert serious_violations(page) == []

    # 6
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(platform.url + "/signin")
    sign_in(page, alice, password="917253")
    expect(page).to_have_url(platform.url + "/contact")


def test_the_session_cookie_is_http_only_and_strict_and_forms_need_the_csrf_token(
    platform: Platform, context: Any
) -> None:
    bob = platform.ready_user("bob", "Bob Baker", "864219")
    page = context.new_page()
    sign_in(page, bob)
    expect(page).to_have_url(platform.url + "/contact")
    cookie = next(c for c in context.cookies() if c["name"] == "sn_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("sn_session") == -1
    assert page.evaluate("Object.keys(localStorage).length") == 0

    forged = context.request.post("/contact", form={"location": "none"})
    assert forged.status == 403
    assert "CSRF" in forged.json()["detail"]
    forged_api = context.request.put("/api/presence/v1/users/me/location", data={"location": "none"})
    assert forged_api.status == 403

    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    through = context.request.get("/api/presence/v1/users/me/presence")
    assert through.status == 200 and through.json()["user_id"] == "bob"
    assert token


def test_five_wrong_passwords_lock_the_account_with_the_directorys_message(
    platform: Platform, context: Any
) -> None:
    carol = platform.ready_user("carol", "Carol Cole", "864291")
    page = context.new_page()
    for _ in range(5):
        sign_in(page, carol, password="111111")
    sign_in(page, carol)
    expect(page.get_by_role("alert")).to_contain_text("locked")
    expect(page).to_have_url(platform.url + "/signin")
