"""Story (§5.1): a user records today's greeting in the browser and hears it back.

Chromium's fake microphone (``--use-fake-device-for-media-stream``) stands in for a person
speaking; the recording goes through the web's origin to the real mailbox, which converts
it to WAV; the page then plays it, and callers hear it.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from web.tests.pages import serious_violations, sign_in
from web.tests.stack import Platform


def test_a_user_records_todays_greeting_in_the_browser_and_hears_it_back(
    platform: Platform, context: Any
) -> None:
    gina = platform.ready_user("gina", "Gina Gold", "864219")
    page = context.new_page()
    sign_in(page, gina)
    page.get_by_role("link", name="Recordings").click()
    today = page.locator("section#today")
    expect(today).to_contain_text("Not recorded.")
    assert serious_violations(page) == []

    today.get_by_role("button", name="Record today's greeting", exact=True).click()
    expect(today.locator(".recorder").get_by_role("status")).to_contain_text(
        "Recording… 2 s"
    )  # two seconds of fake speech
    today.get_by_role("button", name="Stop recording today's greeting").click()

    expect(today).to_contain_text("Recorded, ")
    expect(page.locator("#heard")).to_have_text("today")
    player = today.locator("audio")
    page.wait_for_function("a => a.readyState >= 1 && a.duration > 1", arg=player.element_handle())
    played = context.request.get(player.get_attribute("src"))
    assert played.status == 200 and played.body()[:4] == b"RIFF"

    today.get_by_role("button", name="Delete today's greeting").click()
    expect(today).to_contain_text("Not recorded.")
