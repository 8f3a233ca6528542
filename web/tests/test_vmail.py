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
from web.tests.stack import Person, Platform, eventually
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


def _messages_of(platform: Platform, person: Person) -> list[dict[str, Any]]:
    token = api_sign_in(platform.directory.url, person.number, person.password)
    r = httpx.get(
        f"{platform.mailbox.url}/v1/mailboxes/users/me/messages", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()
    return found


def record_and_send(page: Any, box: Any, record: str, stop: str) -> None:
    """Record with Chromium's fake microphone for a second and send (the page reloads when sent)."""
    box.get_by_role("button", name=record).click()
    expect(box.get_by_role("status")).to_contain_text("Recording… 1 s")
    with page.expect_navigation():
        box.get_by_role("button", name=stop).click()


def test_a_user_sends_a_voicemail_to_a_user_and_a_team_and_the_recipient_replies(
    platform: Platform, context: Any
) -> None:
    """§5.4 and §5.3.3:

    1. Lena sends one recorded voicemail, urgent, to Mark and to the Support team (Mark and Nora),
       typing their names:
       each of them gets it once, from Lena, urgent; Lena does not get her own.
    2. A name nobody has is refused, named, and nothing is sent (not even to Nora, named by her
       number).
    3. Mark opens VMail: the message is from Lena Lund, with "Record a reply"; he records his reply.
       Lena's mailbox has a new message from Mark; Mark's message stays in his mailbox.
    """
    lena = platform.ready_user("lena", "Lena Lund", "864219")
    mark = platform.ready_user("mark", "Mark Moss", "917253")
    nora = platform.ready_user("nora", "Nora Nye", "864219")
    admin = {"Authorization": f"Bearer {platform.admin_token}"}
    r = httpx.post(
        f"{platform.directory.url}/v1/teams",
        headers=admin,
        json={"team_id": "support", "kind": "team", "name": "Support", "members": ["mark", "nora"]},
    )
    assert r.status_code == 201, r.text
    eventually(
        lambda: (
            httpx.get(f"{platform.mailbox.url}/v1/mailboxes/teams/support", headers=admin).status_code == 200
        )
    )

    # 1
    page = context.new_page()
    sign_in(page, lena)
    page.goto("/vmail")
    form = page.locator("#send-voicemail")
    form.get_by_label("To").fill("Mark Moss, Support")  # a user and a team, by name
    form.get_by_label("Urgent").check()
    record_and_send(
        page, page.locator(".recorder[data-upload='/vmail/send']"), "Record and send", "Stop and send"
    )
    for person in (mark, nora):
        assert [(m["sender_user_id"], m["urgent"], m["folder"]) for m in _messages_of(platform, person)] == [
            ("lena", True, "new")
        ], person.user_id
    assert _messages_of(platform, lena) == []

    # 2
    form.get_by_label("To").fill(f"{nora.number}, Zed Nobody")
    box = page.locator(".recorder[data-upload='/vmail/send']")
    box.get_by_role("button", name="Record and send").click()
    expect(box.get_by_role("status")).to_contain_text("Recording… 1 s")
    box.get_by_role("button", name="Stop and send").click()
    expect(box.get_by_role("status")).to_have_text(
        "Not saved: Nobody in the directory is called Zed Nobody or has that number."
    )
    assert len(_messages_of(platform, mark)) == 1 and len(_messages_of(platform, nora)) == 1

    # 3
    his = context.browser.new_context(base_url=platform.url)
    try:
        page = his.new_page()
        sign_in(page, mark)
        page.goto("/vmail")
        message = page.locator("article.message")
        expect(message).to_have_count(1)
        expect(message.get_by_role("heading")).to_have_text("Urgent: From Lena Lund")
        assert serious_violations(page) == []
        record_and_send(
            page, message.locator(".recorder").nth(1), "Record a reply", "Stop and send the reply"
        )
    finally:
        his.close()
    replies = _messages_of(platform, lena)
    assert [(m["sender_user_id"], m["folder"]) for m in replies] == [("mark", "new")]
    assert replies[0]["duration_seconds"] > 0.5
    assert [m["sender_user_id"] for m in _messages_of(platform, mark)] == ["lena"]
