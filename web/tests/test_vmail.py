"""Stories of VMail (§5.3, §5.4, §5.7), against the real mailbox.

1. Two callers left Henry messages (deposited as the gateway does). His New folder lists both,
   the urgent one first; he plays one in the page and seeks in it (nothing is fetched, and so
   nothing becomes Old, before he plays it).
2. He diverts it to Ivan with a recorded annotation: it leaves his New messages and reaches
   Ivan's mailbox, marked forwarded by Henry, annotated.
3. He deletes the other one.
4. A fax shows as page images (the mailbox keeps TIFF; the page shows PNG); he copies it to Ivan.
"""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import expect
from smartnumbers_kit.testing import Mint

from services.mailbox.tests.samples import tiff, tone_wav
from web.tests.pages import serious_violations, sign_in
from web.tests.stack import Platform
from web.tests.stack import sign_in as api_sign_in


def deposit(platform: Platform, mint: Mint, user_id: str, caller: str, *, urgent: bool = False) -> None:
    r = httpx.post(
        f"{platform.mailbox.url}/v1/mailboxes/users/{user_id}/messages",
        params={"caller_number": caller, "urgent": str(urgent).lower()},
        headers={
            "Authorization": f"Bearer {mint('gateway', platform.org, role='service')}",
            "Content-Type": "audio/wav",
        },
        content=tone_wav(3.0),
    )
    assert r.status_code == 201, r.text


def test_a_user_plays_forwards_with_an_annotation_and_deletes_voicemail(
    platform: Platform, context: Any, mint: Mint
) -> None:
    henry = platform.ready_user("henry", "Henry Hill", "864219")
    ivan = platform.ready_user("ivan", "Ivan Ives", "917253")
    deposit(platform, mint, "henry", "+441632960555")
    deposit(platform, mint, "henry", "+447700900777", urgent=True)

    # 1
    page = context.new_page()
    sign_in(page, henry)
    page.get_by_role("navigation", name="Menu bar").get_by_role("link", name="VMail").click()
    expect(page.get_by_role("link", name="New (2)")).to_be_visible()
    messages = page.locator("article.message")
    expect(messages).to_have_count(2)
    expect(messages.first.get_by_role("heading")).to_have_text("Urgent: From +447700900777")
    assert serious_violations(page) == []
    player = messages.first.locator("audio")
    handle = player.element_handle()
    page.evaluate("a => a.play()", handle)  # what the Play control does
    page.wait_for_function("a => a.readyState >= 1 && a.duration > 2.5", arg=handle)
    page.evaluate(
        "a => new Promise(done => { a.addEventListener('seeked', done, {once: true}); a.currentTime = 2; })",
        handle,
    )
    assert page.evaluate("a => a.currentTime", handle) >= 1.9
    page.reload()
    expect(page.get_by_role("link", name="New (1)")).to_be_visible()  # heard: Old
    expect(page.get_by_role("link", name="Old (1)")).to_be_visible()
    page.get_by_role("link", name="Old (1)").click()

    # 2
    urgent = messages.first
    urgent.get_by_label("Forward to").fill("ivan")
    urgent.get_by_label("Keep a copy").uncheck()
    urgent.get_by_role("button", name="Record an annotation and forward").click()
    expect(urgent.locator(".recorder").first.get_by_role("status")).to_contain_text("Recording… 1 s")
    urgent.get_by_role("button", name="Stop and send").first.click()
    expect(page.get_by_role("link", name="Old (0)")).to_be_visible()
    ivans = httpx.get(
        f"{platform.mailbox.url}/v1/mailboxes/users/me/messages",
        headers={
            "Authorization": f"Bearer {api_sign_in(platform.directory.url, ivan.number, ivan.password)}"
        },
    ).json()
    assert [(m["caller_number"], [f["by"] for f in m["forwarded_by"]]) for m in ivans] == [
        ("+447700900777", ["henry"])
    ]
    assert ivans[0]["forwarded_by"][0]["annotated"] is True

    # 3
    page.get_by_role("link", name="New (1)").click()
    expect(messages).to_have_count(1)
    messages.first.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("link", name="New (0)")).to_be_visible()
    expect(page.get_by_text("No new messages.")).to_be_visible()


def test_a_fax_shows_as_page_images_and_is_copied(platform: Platform, context: Any, mint: Mint) -> None:
    jane = platform.ready_user("jane", "Jane Jay", "864219")
    platform.ready_user("kim", "Kim Kay", "917253")
    r = httpx.post(
        f"{platform.mailbox.url}/v1/mailboxes/users/jane/faxes",
        params={"caller_number": "+441632960999"},
        headers={
            "Authorization": f"Bearer {mint('gateway', platform.org, role='service')}",
            "Content-Type": "image/tiff",
        },
        content=tiff(pages=2),
    )
    assert r.status_code == 201, r.text
    page = context.new_page()
    sign_in(page, jane)
    page.goto("/vmail")
    fax = page.locator("article.fax")
    expect(fax.get_by_role("heading")).to_have_text("Fax from +441632960999 (2 pages)")
    for n in (1, 2):
        image = fax.get_by_role("img", name=f"Page {n} of the fax from +441632960999")
        page.wait_for_function("i => i.complete && i.naturalWidth === 1728", arg=image.element_handle())
    fax.get_by_label("Copy to").fill("kim")
    fax.get_by_role("button", name="Copy fax").click()
    expect(page).to_have_url(platform.url + "/vmail?folder=new")
    fax.get_by_role("button", name="Save fax").click()
    expect(fax.get_by_role("heading")).to_contain_text(", saved")
    assert serious_violations(page) == []
