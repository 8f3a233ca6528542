"""Screenshots of the main pages for docs/screenshots, from a running `make run`.

    .venv/bin/smartnumbers-directory-admin create-organisation --org acme --name "Acme Ltd" --country GB \\
        --admin boss --admin-name "Bea Boss" --admin-smartnumber "01632 960000" --admin-password 739182
    .venv/bin/python -m web.tests.screenshots [http://127.0.0.1:8080] [docs/screenshots]

It signs the administrator in (changing the initial password to 582917 the first time),
adds two colleagues, some numbers and a voicemail, and saves one PNG per page.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import sync_playwright

from web.tests.conftest import CHROMIUM_FLAGS, chromium_executable

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")
ADMIN_NUMBER, INITIAL, PASSWORD = "01632 960000", "739182", "582917"


def shoot(page: Any, name: str, *, full_page: bool = False) -> None:
    page.get_by_role("toolbar").wait_for()  # loaded after the page (htmx)
    page.screenshot(path=OUT / f"{name}.png", full_page=full_page)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_executable(), args=CHROMIUM_FLAGS)
        page = browser.new_page(base_url=BASE, viewport={"width": 1200, "height": 800})
        page.goto("/signin")
        page.get_by_label("Smartnumber or mailbox number").fill(ADMIN_NUMBER)
        page.screenshot(path=OUT / "signin.png")
        page.get_by_label("Password").fill(INITIAL)
        page.get_by_role("button", name="Sign in").click()
        if page.url.endswith("/password"):
            page.screenshot(path=OUT / "change-password.png")
            page.get_by_label("Old password").fill(INITIAL)
            page.get_by_label("New password", exact=True).fill(PASSWORD)
            page.get_by_label("Confirm new password").fill(PASSWORD)
            page.get_by_role("button", name="Change Password").click()
        else:
            page.goto("/signin")
            page.get_by_label("Smartnumber or mailbox number").fill(ADMIN_NUMBER)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/contact")
        for who, first, last, number in (
            ("alice", "Alice", "Archer", "01632 960001"),
            ("bob", "Bob", "Baker", "01632 960002"),
        ):
            page.goto("/administration")
            page.get_by_label("User id").first.fill(who)
            page.get_by_label("First name").fill(first)
            page.get_by_label("Last name").fill(last)
            page.get_by_label("Smartnumber", exact=True).fill(number)
            page.get_by_label("Initial password", exact=True).fill(INITIAL)
            page.get_by_role("button", name="Create user").click()
        shoot(page, "administration", full_page=True)
        page.goto("/contact")
        page.get_by_label("Desk number").fill("01632 960000")
        page.get_by_label("Mobile number").fill("07700 900000")
        page.get_by_role("main").get_by_label("Location", exact=True).select_option("mobile")
        page.get_by_role("button", name="Save").click()
        shoot(page, "contact")
        page.goto("/address-book?q=a")
        shoot(page, "address-book")
        page.goto("/services")
        shoot(page, "services", full_page=True)
        page.goto("/recordings")
        shoot(page, "recordings", full_page=True)
        page.goto("/vmail")
        shoot(page, "vmail")
        page.goto("/security")
        shoot(page, "security")
        page.goto("/call-manager")
        page.get_by_text("Connected: this window is your Call Manager.").wait_for()
        shoot(page, "call-manager")
        page.goto("/statistics")
        shoot(page, "statistics")
        browser.close()
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    httpx.get(BASE + "/healthz").raise_for_status()
    main()
