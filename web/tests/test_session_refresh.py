"""The access token is refreshed with the directory's refresh token when it is due (here: always,
``REFRESH_MARGIN_SECONDS`` longer than the token's life); once signed out, a copy of the old
cookie cannot be refreshed and sends the browser back to sign in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from smartnumbers_kit.serviceprocess import ServiceProcess

from web.tests.pages import sign_in
from web.tests.stack import Platform, web_process


@pytest.fixture
def eager_web(platform: Platform, tmp_path: Path) -> Iterator[ServiceProcess]:
    web = web_process(
        tmp_path,
        directory=platform.directory.url,
        presence=platform.presence.url,
        mailbox=platform.mailbox.url,
    )
    web.env["REFRESH_MARGIN_SECONDS"] = "100000"
    web.start(wait_for_nats=False)
    try:
        yield web
    finally:
        web.stop()


def session_cookie(context: Any) -> str:
    return str(next(c["value"] for c in context.cookies() if c["name"] == "sn_session"))


def test_the_access_token_is_refreshed_and_a_revoked_session_signs_out(
    platform: Platform, browser: Any, eager_web: ServiceProcess
) -> None:
    rosa = platform.ready_user("rosa", "Rosa Reed", "864219")
    context = browser.new_context(base_url=eager_web.url)
    try:
        page = context.new_page()
        sign_in(page, rosa)
        expect(page).to_have_url(eager_web.url + "/contact")
        before = session_cookie(context)
        page.reload()
        expect(page.get_by_role("heading", name="Contact")).to_be_visible()
        assert session_cookie(context) != before  # a new access token, sealed into the cookie

        # She signs out (the refresh token is revoked); a copy of the old cookie is no use.
        old = next(c for c in context.cookies() if c["name"] == "sn_session")
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(eager_web.url + "/signin")
        context.add_cookies([old])
        page.goto("/services")
        expect(page).to_have_url(eager_web.url + "/signin")
        assert context.request.get("/api/presence/v1/users/me/presence").status == 401
    finally:
        context.close()
