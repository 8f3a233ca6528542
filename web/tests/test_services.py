"""Stories of the Services page (§3.5 to §3.8, §5.5, §6) and Security (§3.2.1).

1. Quinn chooses Voicemail, call introduction and missed-calls alerts; presence has them, and
   the toolbar shows the new availability.
2. Naming a delegate who does not exist is refused in presence's words; nothing changes.
3. Voice-to-email without an email address is refused in the mailbox's words; message alerts
   by SMS and not the message waiting light: the mailbox has them.
4. She makes VMail her startup page, the PDA layout with only Search on its toolbar: her
   next sign-in, in another browser, opens VMail, laid out for a small screen (the directory
   keeps them with her). Rhea, signing in on the browser Quinn signed out of, has her own.
5. On Security she changes her password; the old one no longer signs her in.
"""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import expect

from web.tests.pages import serious_violations, sign_in
from web.tests.stack import Person, Platform
from web.tests.stack import sign_in as api_sign_in


def test_a_user_sets_her_services_preferences_and_password(platform: Platform, context: Any) -> None:
    quinn = platform.ready_user("quinn", "Quinn Quill", "864219")
    token = api_sign_in(platform.directory.url, quinn.number, quinn.password)
    auth = {"Authorization": f"Bearer {token}"}
    page = context.new_page()
    sign_in(page, quinn)
    page.get_by_role("navigation", name="Menu bar").get_by_role("link", name="Services").click()
    assert serious_violations(page) == []

    # 1
    page.get_by_label("When you are called").select_option("voicemail")
    page.get_by_label("Call introduction", exact=True).select_option("on")
    page.get_by_label("Missed calls alerts (SMS)").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Your services are saved.")
    presence = httpx.get(f"{platform.presence.url}/v1/users/me/presence", headers=auth).json()
    assert (presence["availability"], presence["call_introduction"], presence["call_reporting"]) == (
        "voicemail",
        "on",
        {"lost_calls": True, "delegated_calls": False},
    )
    expect(page.get_by_role("toolbar").get_by_label("Availability")).to_have_value("voicemail")

    # 2
    page.get_by_label("When you are called").select_option("delegate")
    page.get_by_label("Delegate (user id)").fill("nobody-here")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    after = httpx.get(f"{platform.presence.url}/v1/users/me/presence", headers=auth).json()
    assert (after["availability"], after["delegate_id"]) == ("voicemail", None)

    # 3
    page.get_by_label("A text message to your mobile").check()
    page.get_by_label("The message waiting light on your handset").uncheck()
    page.get_by_label("Email me a copy of each voicemail").check()
    page.get_by_role("button", name="Save message settings").click()
    expect(page.get_by_role("alert")).to_contain_text("no email address")
    mailbox = httpx.get(f"{platform.mailbox.url}/v1/mailboxes/users/me", headers=auth).json()
    assert mailbox["alerts"]["sms"] is False and mailbox["voice_to_email"] is False
    page.get_by_label("A text message to your mobile").check()
    page.get_by_label("The message waiting light on your handset").uncheck()
    page.get_by_label("Email me a copy of each voicemail").uncheck()
    page.get_by_role("button", name="Save message settings").click()
    expect(page.get_by_role("status")).to_have_text("Your message settings are saved.")
    mailbox = httpx.get(f"{platform.mailbox.url}/v1/mailboxes/users/me", headers=auth).json()
    assert mailbox["alerts"]["sms"] is True and mailbox["alerts"]["message_waiting"] is False

    # 4
    page.get_by_label("Startup Page").select_option("vmail")
    page.get_by_label("Use the PDA (small screen) layout").check()
    for item in ("Set Location", "Set Availability"):
        page.get_by_role("group", name="PDA Preferences").get_by_label(item).uncheck()
    page.get_by_role("group", name="PDA Preferences").get_by_label("Search Directory").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_have_text("Your preferences are saved.")
    page.get_by_role("button", name="Sign out").click()
    other = context.browser.new_context(base_url=platform.url)  # another browser: her phone's
    try:
        phone = other.new_page()
        sign_in(phone, quinn)
        expect(phone).to_have_url(platform.url + "/vmail")
        expect(phone.locator("body")).to_have_class("pda")
        toolbar = phone.get_by_role("toolbar")
        expect(toolbar.get_by_label("Search directory")).to_be_visible()
        expect(toolbar.get_by_label("Location")).to_have_count(0)
    finally:
        other.close()
    fresh = {"Authorization": f"Bearer {api_sign_in(platform.directory.url, quinn.number, quinn.password)}"}
    kept = httpx.get(f"{platform.directory.url}/v1/users/me/web-preferences", headers=fresh).json()
    assert kept == {
        "startup_page": "vmail",
        "toolbar": ["location", "availability", "search"],
        "pda_toolbar": ["search"],
        "pda_layout": True,
    }
    rhea = platform.ready_user("rhea", "Rhea Rye", "917253")
    sign_in(page, rhea)  # on the browser Quinn signed out of: Rhea's own preferences
    expect(page).to_have_url(platform.url + "/contact")
    expect(page.locator("body")).not_to_have_class("pda")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, quinn)
    expect(page).to_have_url(platform.url + "/vmail")

    # 5
    page.get_by_role("navigation", name="Menu bar").get_by_role("link", name="Security").click()
    page.get_by_label("Old password").fill("864219")
    page.get_by_label("New password", exact=True).fill("917253")
    page.get_by_label("Confirm new password").fill("917253")
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_role("status")).to_have_text("Your password has changed.")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, Person("quinn", "Quinn Quill", quinn.number, "864219"))
    expect(page.get_by_role("alert")).to_contain_text("not right")
    sign_in(page, Person("quinn", "Quinn Quill", quinn.number, "917253"))
    expect(page).to_have_url(platform.url + "/vmail")
