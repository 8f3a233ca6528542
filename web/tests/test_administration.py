"""Story (Administration): an administrator creates a user and a team; a user cannot get in.

1. The administrator opens Administration from the menu bar.
2. A user with a bad initial password is refused in the directory's words; nobody is created.
3. She creates Lena with a smartnumber and an initial password, then a team with Lena in it.
4. The directory has both; Lena signs in with the initial password and must change it.
5. A user who is not an administrator sees no Administration menu item and is refused the page.
"""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import expect

from web.tests.pages import serious_violations, sign_in
from web.tests.stack import Person, Platform, smartnumber


def test_an_administrator_creates_a_user_and_a_team(platform: Platform, browser: Any, context: Any) -> None:
    directory = httpx.Client(
        base_url=platform.directory.url, headers={"Authorization": f"Bearer {platform.admin_token}"}
    )
    page = context.new_page()
    sign_in(page, platform.admin)

    # 1
    page.get_by_role("navigation", name="Menu bar").get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", name="Administration", level=1)).to_be_visible()
    assert serious_violations(page) == []

    # 2
    number = smartnumber()
    page.get_by_label("User id").first.fill("lena")
    page.get_by_label("First name").fill("Lena")
    page.get_by_label("Last name").fill("Lamb")
    page.get_by_label("Smartnumber", exact=True).fill(number)
    page.get_by_label("Initial password", exact=True).fill("012345")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("alert")).to_contain_text("zero")
    assert directory.get("/v1/users/lena").status_code == 404

    # 3
    page.get_by_label("User id").first.fill("lena")
    page.get_by_label("First name").fill("Lena")
    page.get_by_label("Last name").fill("Lamb")
    page.get_by_label("Smartnumber", exact=True).fill(number)
    page.get_by_label("Initial password", exact=True).fill("739182")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("status")).to_contain_text("Lena Lamb (lena) is created")
    page.get_by_label("Team id").first.fill("sales")
    page.get_by_label("Team name").fill("Sales")
    page.get_by_label("Members").fill("lena")
    page.get_by_label("Distribution").select_option("round_robin")
    page.get_by_role("button", name="Create team").click()
    expect(page.get_by_role("status")).to_contain_text("The team Sales (sales) is created")

    # 4
    lena = directory.get("/v1/users/lena").json()
    assert lena["profile"]["display_name"] == "Lena Lamb" and lena["must_change_password"] is True
    sales = directory.get("/v1/teams/sales").json()["definition"]
    assert sales["members"] == ["lena"] and sales["strategy"] == "round_robin"
    other = browser.new_context(base_url=platform.url)
    try:
        lenas = other.new_page()
        sign_in(lenas, Person("lena", "Lena Lamb", number))
        expect(lenas).to_have_url(platform.url + "/password")
    finally:
        other.close()


def test_a_user_who_is_not_an_administrator_is_refused(platform: Platform, context: Any) -> None:
    mo = platform.ready_user("mo", "Mo Moss", "864219")
    page = context.new_page()
    sign_in(page, mo)
    expect(
        page.get_by_role("navigation", name="Menu bar").get_by_role("link", name="Administration")
    ).to_have_count(0)
    response = page.goto("/administration")
    assert response is not None and response.status == 403
    expect(page.get_by_role("alert")).to_contain_text("administrators only")
