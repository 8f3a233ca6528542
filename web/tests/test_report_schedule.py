"""Story of the management information reports (§8.1), against a real notify process.

1. The administrator opens Statistics and follows "Management information reports": none are
   scheduled.
2. She schedules Call outcomes and Busiest hours, weekly, to two addresses: the page shows the
   schedule, and notify holds it.
3. A time zone that is not one is refused with notify's words; the schedule is unchanged.
4. She changes it to monthly.
5. She deletes it: no more reports (notify has none to read).
6. A user who is not an administrator has no link and is refused the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from smartnumbers_kit.testing import own_nats_server

from web.tests.pages import serious_violations, sign_in
from web.tests.stack import Platform, running_platform


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory, dev_keys: tuple[Path, Path]) -> Iterator[Platform]:
    """With notify (see conftest's platform)."""
    tmp = tmp_path_factory.mktemp("web-reports")
    org = f"org{tmp.name[-6:].replace('-', '')}"
    with (
        own_nats_server(tmp) as nats_server,
        running_platform(tmp, nats_server.url, dev_keys, org, with_notify=True) as p,
    ):
        yield p


def test_an_administrator_schedules_changes_and_deletes_the_reports(platform: Platform, context: Any) -> None:
    assert platform.notify is not None
    notify = httpx.Client(
        base_url=platform.notify.url, headers={"Authorization": f"Bearer {platform.admin_token}"}
    )
    page = context.new_page()

    # 1
    sign_in(page, platform.admin)
    page.get_by_role("navigation", name="Menu bar").get_by_role("link", name="Statistics").click()
    page.get_by_role("link", name="Management information reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Management information reports")
    expect(page.locator("#no-schedule")).to_have_text("No reports are scheduled for your organisation.")
    assert serious_violations(page) == []

    # 2
    page.get_by_label("Call outcomes").check()
    page.get_by_label("Busiest hours").check()
    page.get_by_label("How often").select_option("weekly")
    page.get_by_label("Email the reports to").fill("boss@example.com\nops@example.com")
    page.get_by_role("button", name="Schedule reports").click()
    expect(page.locator("#saved")).to_have_text("The report schedule is saved.")
    schedule = page.locator("#schedule")
    expect(schedule.get_by_role("row", name="Reports")).to_contain_text(
        "Call outcomes (answered, voicemail, missed, lost), Busiest hours"
    )
    expect(schedule.get_by_role("row", name="Delivered")).to_contain_text(
        "Weekly (Monday to Sunday), Europe/London time"
    )
    expect(schedule.get_by_role("row", name="Emailed to")).to_contain_text(
        "boss@example.com, ops@example.com"
    )
    held = notify.get("/v1/reports/schedule").json()
    assert (held["reports"], held["frequency"], held["recipients"]) == (
        ["outcomes", "busiest_hours"],
        "weekly",
        ["boss@example.com", "ops@example.com"],
    )
    assert serious_violations(page) == []

    # 3
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_label("How often").select_option("daily")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#error")).to_contain_text("'Mars/Olympus' is not a time zone")
    expect(page.get_by_label("Time zone")).to_have_value("Mars/Olympus")  # the form keeps what she typed
    assert notify.get("/v1/reports/schedule").json()["frequency"] == "weekly"

    # 4
    page.get_by_label("Time zone").fill("Europe/Paris")
    page.get_by_label("How often").select_option("monthly")
    page.get_by_role("button", name="Save changes").click()
    expect(schedule.get_by_role("row", name="Delivered")).to_contain_text("Monthly, Europe/Paris time")
    assert notify.get("/v1/reports/schedule").json()["frequency"] == "monthly"

    # 5
    page.get_by_role("button", name="Delete schedule").click()
    expect(page.locator("#saved")).to_have_text("The report schedule is deleted: no more reports are sent.")
    expect(page.locator("#no-schedule")).to_be_visible()
    assert notify.get("/v1/reports/schedule").status_code == 404

    # 6
    ursula = platform.ready_user("ursula", "Ursula Umber", "864219")
    other = context.browser.new_context(base_url=platform.url)
    try:
        her = other.new_page()
        sign_in(her, ursula)
        her.goto("/statistics")
        expect(her.get_by_role("link", name="Management information reports")).to_have_count(0)
        response = her.goto("/statistics/reports")
        assert response is not None and response.status == 403
        expect(her.get_by_role("main")).to_contain_text("for administrators only")
    finally:
        other.close()
