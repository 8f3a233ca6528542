"""Stories of calls: one handled in the Call Manager (§7), driven by the gateway's call events;
Statistics (§8.2) built from such events.

Asterisk is FAKED at its wire protocols (gateway/tests/fake_ami.py and fake_agi.py); the
directory, presence, routing, mailbox, gateway and web are real processes.

1. Nina opens Call Manager: the page connects as her Call Manager (presence says so). She
   keeps a mobile number, chooses PC Ring, and Oscar is her delegate.
2. Oscar calls her smartnumber: routing plans PC ring (it knows her Call Manager is open), the
   call rings at her PC, and the page shows it live, the caller named from the directory, with
   a ring sound.
3. Please Hold: the fake Asterisk is told to move the caller to the hold music.
4. Accept: the caller is put through to her mobile; the page shows the transfer event.
5. Delegate: the caller goes to Oscar's smartnumber; the page shows it.

The enquiry call (§7.5.3) and the other stories have their steps in their own docstrings.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from smartnumbers_contracts import calls
from smartnumbers_kit.devdirectory import publish
from smartnumbers_kit.testing import own_nats_server

from gateway.tests.fake_agi import FakeAgiChannel
from gateway.tests.fake_ami import FakeAmi
from web.tests.pages import serious_violations, sign_in, wait_for_live
from web.tests.stack import Person, Platform, eventually, running_platform
from web.tests.stack import sign_in as api_sign_in

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fake_asterisk() -> Iterator[tuple[asyncio.AbstractEventLoop, FakeAmi, int]]:
    """The FAKE Asterisk's AMI server, on an event loop of its own (the browser stories are sync)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    ami = FakeAmi()
    port = asyncio.run_coroutine_threadsafe(ami.start(), loop).result(10)
    try:
        yield loop, ami, port
    finally:
        asyncio.run_coroutine_threadsafe(ami.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@pytest.fixture(scope="module")
def platform(
    tmp_path_factory: pytest.TempPathFactory,
    dev_keys: tuple[Path, Path],
    fake_asterisk: tuple[asyncio.AbstractEventLoop, FakeAmi, int],
) -> Iterator[Platform]:
    """On a nats-server of its own (see conftest's platform)."""
    tmp = tmp_path_factory.mktemp("web-cm")
    org = f"org{tmp.name[-6:].replace('-', '')}"
    with (
        own_nats_server(tmp) as nats_server,
        running_platform(tmp, nats_server.url, dev_keys, org, ami_port=fake_asterisk[2]) as p,
    ):
        yield p


def ringing_in_the_call_manager(
    platform: Platform,
    context: Any,
    loop: asyncio.AbstractEventLoop,
    callee: Person,
    caller: Person,
    call_id: str,
    mobile: str,
) -> tuple[Any, Any]:
    """The callee opens Call Manager (connected, live), is on her mobile with PC Ring and the
    caller as delegate; the caller rings her smartnumber, the call rings at her PC. Returns the
    page and the call's card."""
    token = api_sign_in(platform.directory.url, callee.number, callee.password)
    presence = httpx.Client(base_url=platform.presence.url, headers={"Authorization": f"Bearer {token}"})
    page = context.new_page()
    sign_in(page, callee)
    page.get_by_role("navigation", name="Menu bar").get_by_role("link", name="Call Manager").click()
    expect(page.locator("#cm-connection")).to_have_text("Connected: this window is your Call Manager.")
    wait_for_live(page)
    assert presence.get("/v1/users/me/presence").json()["call_manager_connected"] is True
    assert presence.patch("/v1/users/me/numbers", json={"mobile": mobile}).status_code == 200
    assert presence.put("/v1/users/me/location", json={"location": "mobile"}).status_code == 200
    r = presence.put(
        "/v1/users/me/availability", json={"availability": "pc_ring", "delegate_id": caller.user_id}
    )
    assert r.status_code == 200, r.text
    assert serious_violations(page) == []

    digits = "44" + callee.number.replace(" ", "")[1:]
    calling = "44" + caller.number.replace(" ", "")[1:]

    def agi(**kwargs: Any) -> FakeAgiChannel:
        channel = FakeAgiChannel(platform.agi_port, callerid=calling, calleridname="", **kwargs)
        asyncio.run_coroutine_threadsafe(channel.run(), loop).result(15)
        return channel

    planned: list[FakeAgiChannel] = []
    eventually(
        lambda: (
            planned.append(agi(args=[digits, call_id], extension=digits))
            or planned[-1].variables.get("SN_S1_KIND") == "pc_ring"
        )
    )
    agi(script="pc-ring", args=[call_id, "1"])
    card = page.locator(f"#call-{call_id}")
    expect(card.get_by_role("heading")).to_have_text(f"Call from {caller.display_name} (+{calling})")
    expect(card.locator(f"#call-status-{call_id}")).to_have_text("Ringing for you")
    return page, card


def redirects(ami: FakeAmi) -> list[tuple[str | None, str | None]]:
    """Where the FAKE Asterisk was told to move the caller (AMI Redirect actions), in order."""
    return [(a.get("Context"), a.get("Exten")) for a in ami.actions if a["Action"] == "Redirect"]


def test_a_ringing_call_is_held_accepted_and_delegated_in_the_call_manager(
    platform: Platform, context: Any, fake_asterisk: tuple[asyncio.AbstractEventLoop, FakeAmi, int]
) -> None:
    loop, ami, _ = fake_asterisk
    nina = platform.ready_user("nina", "Nina Nash", "864219")
    oscar = platform.ready_user("oscar", "Oscar Orr", "917253")

    # 1, 2
    call_id = "web-cm-1"
    page, card = ringing_in_the_call_manager(platform, context, loop, nina, oscar, call_id, "07700 900401")
    expect(page.locator("body")).to_have_attribute("data-rang", "1")
    assert serious_violations(page) == []

    # 3
    card.get_by_role("button", name="Please Hold").click()
    expect(card.locator(f"#call-result-{call_id}")).to_contain_text("The caller hears Please Hold.")
    assert redirects(ami) == [("sn-hold", "s")]

    # 4
    card.get_by_role("button", name="Accept").click()
    expect(card.locator(f"#call-status-{call_id}")).to_have_text("Transferred to nina.")
    assert redirects(ami)[-1] == ("sn-cm", "accept")

    # 5
    card.get_by_role("button", name="Delegate").click()
    expect(card.locator(f"#call-status-{call_id}")).to_have_text("Transferred to oscar.")
    expect(card.locator(f"#call-result-{call_id}")).to_have_text("Sent to your delegate.")


def test_an_enquiry_call_while_the_caller_holds(
    platform: Platform, context: Any, fake_asterisk: tuple[asyncio.AbstractEventLoop, FakeAmi, int]
) -> None:
    """§7.5.3, the enquiry call:

    1. A call from Ulla rings for Tess in her Call Manager (she is on her mobile).
    2. Please Hold: the caller is moved to the hold music; the page tells Tess what to do next.
    3. She types the number to ask in the Call Manager's box and clicks Click Dial: the FAKE
       Asterisk is asked to ring her mobile first, then that number; the held caller stays held.
    4. An empty number is refused in the page's words, and nothing is dialled.
    5. Her enquiry done, she clicks Accept: the held caller is put through to her again.
    """
    loop, ami, _ = fake_asterisk
    tess = platform.ready_user("tess", "Tess Tate", "864219")
    ulla = platform.ready_user("ulla", "Ulla Unwin", "917253")

    # 1
    call_id = "web-cm-enquiry"
    page, card = ringing_in_the_call_manager(platform, context, loop, tess, ulla, call_id, "07700 900471")
    before = len(redirects(ami))

    # 2
    card.get_by_role("button", name="Please Hold").click()
    expect(card.locator(f"#call-result-{call_id}")).to_have_text(
        "The caller hears Please Hold. Make your enquiry call (below), then click Accept to speak to "
        "the caller again."
    )
    assert redirects(ami)[before:] == [("sn-hold", "s")]

    # 3
    originates = len([a for a in ami.actions if a["Action"] == "Originate"])
    enquiry = page.get_by_role("region", name="Enquiry call")
    enquiry.get_by_label("Number to call").fill("01632 960777")
    enquiry.get_by_role("button", name="Click Dial").click()
    expect(page.locator("#enquiry-result")).to_have_text(
        "Your phone rings first (answer it), then 01632 960777 is called."
    )
    [originate] = [a for a in ami.actions if a["Action"] == "Originate"][originates:]
    assert originate["Channel"] == "Local/447700900471@phones"
    assert originate["Variable"][:2] == [
        "SN_CONNECT_DIAL=Local/441632960777@phones",
        "SN_CONNECT_NUM=+441632960777",
    ]
    assert redirects(ami)[before:] == [("sn-hold", "s")]  # the caller still holds

    # 4
    enquiry.get_by_label("Number to call").fill("   ")
    enquiry.get_by_role("button", name="Click Dial").click()
    expect(page.locator("#enquiry-result")).to_have_text("Not dialled: type the number to call.")
    assert len([a for a in ami.actions if a["Action"] == "Originate"]) == originates + 1
    assert serious_violations(page) == []

    # 5
    card.get_by_role("button", name="Accept").click()
    expect(card.locator(f"#call-status-{call_id}")).to_have_text("Transferred to tess.")
    assert redirects(ami)[before:] == [("sn-hold", "s"), ("sn-cm", "accept")]


def test_statistics_list_the_calls_and_chart_them_per_day(
    platform: Platform, context: Any, fake_asterisk: tuple[asyncio.AbstractEventLoop, FakeAmi, int]
) -> None:
    """§8.2: three calls to Pat (answered; lost: the caller hung up first; voicemail), as the gateway's
    events tell routing."""
    pat = platform.ready_user("pat", "Pat Page", "864219")
    now = datetime.now(UTC)

    def envelope() -> dict[str, Any]:
        return {"event_id": uuid.uuid4(), "organisation_id": platform.org, "occurred_at": now}

    events: list[Any] = []
    for n, outcome in enumerate(("answered", "lost", "voicemail")):
        call_id = f"stats-{n}"
        events.append(
            calls.CallStarted(
                **envelope(),
                call_id=call_id,
                direction=calls.Direction.INBOUND,
                caller_number=f"+44770090050{n}",
                dialled="+44" + pat.number.replace(" ", "")[1:],
                intended_user_id="pat",
            )
        )
        if outcome == "answered":
            events.append(calls.CallAnswered(**envelope(), call_id=call_id, answered_by_user_id="pat"))
        if outcome == "voicemail":
            events.append(calls.VoicemailLeft(**envelope(), call_id=call_id, mailbox="pat"))
        events.append(
            calls.CallEnded(**envelope(), call_id=call_id, hung_up_by=calls.HungUpBy.CALLER, cause="Normal")
        )
    asyncio.run_coroutine_threadsafe(publish(platform.nats_url, *events), fake_asterisk[0]).result(15)

    page = context.new_page()
    sign_in(page, pat)
    page.get_by_role("navigation", name="Menu bar").get_by_role("link", name="Statistics").click()
    rows = page.locator("#calls tbody tr")

    def listed() -> bool:
        page.reload()  # routing records the calls as it consumes the events
        return rows.count() == 3

    eventually(listed)
    outcomes = {
        r.get_by_role("cell").nth(1).inner_text(): r.get_by_role("cell").nth(4).inner_text()
        for r in rows.all()
    }
    assert outcomes == {"+447700900500": "Answered", "+447700900501": "Lost", "+447700900502": "Voicemail"}
    day = page.locator("#summary tbody tr").first
    expect(day.get_by_role("cell").nth(0)).to_have_text("3")  # calls in
    chart = page.get_by_role("img", name="Calls per day")
    expect(chart.locator("rect")).to_have_count(3)  # one day: answered, voicemail and lost stacked
    expect(chart.locator("rect[fill='#1f6f3a'] title")).to_contain_text(": 1 answered")
    page.get_by_label("Summary per").select_option("week")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#summary caption")).to_have_text("Calls per week")
    assert serious_violations(page) == []


def test_click_to_dial_from_the_address_book_rings_my_location_first(
    platform: Platform, context: Any, fake_asterisk: tuple[asyncio.AbstractEventLoop, FakeAmi, int]
) -> None:
    """§4.4: clicking a colleague's number asks Asterisk (FAKE) to ring my mobile, then the number."""
    _, ami, _ = fake_asterisk
    quentin = platform.ready_user("quentin", "Quentin Quay", "864219")
    platform.ready_user("rita", "Rita Rowe", "917253")
    page = context.new_page()
    sign_in(page, quentin)
    page.get_by_label("Mobile number").fill("07700 900451")
    page.get_by_role("main").get_by_label("Location", exact=True).select_option("mobile")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#current-location")).to_have_text("Mobile")
    page.goto("/address-book?q=rowe")
    rita = platform_number(page, "Rita Rowe")
    page.get_by_role("button", name=f"Call Rita Rowe on {rita}").click()
    expect(page.locator("#dialled")).to_have_text(f"Your phone rings first, then {rita} is called.")
    originate = [a for a in ami.actions if a["Action"] == "Originate"][-1]
    assert originate["Channel"] == "Local/447700900451@phones"
    # Then Rita is dialled, and sees the user's smartnumber and name (issue 13: one number).
    assert originate["Variable"][:2] == [
        f"SN_CONNECT_DIAL=Local/{rita.lstrip('+')}@phones",
        f"SN_CONNECT_NUM={rita}",
    ]
    assert any(v.startswith("SN_CALLER_NUM=+") for v in originate["Variable"])


def platform_number(page: Any, name: str) -> str:
    return str(page.get_by_role("row", name=name).get_by_role("button").first.inner_text())


def test_call_me_to_record_rings_my_location(
    platform: Platform, context: Any, fake_asterisk: tuple[asyncio.AbstractEventLoop, FakeAmi, int]
) -> None:
    """§5.1: "call me to record" today's greeting: Asterisk (FAKE) is asked to ring my mobile."""
    _, ami, _ = fake_asterisk
    sam = platform.ready_user("sam", "Sam Shaw", "864219")
    page = context.new_page()
    sign_in(page, sam)
    page.get_by_label("Mobile number").fill("07700 900461")
    page.get_by_role("main").get_by_label("Location", exact=True).select_option("mobile")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#current-location")).to_have_text("Mobile")
    page.goto("/recordings")
    page.get_by_role("button", name="Call me to record today's greeting").click()
    expect(page.locator("#call-me-today")).to_have_text(
        "Calling you on +447700900461: answer and record after the tone."
    )
    originate = [a for a in ami.actions if a["Action"] == "Originate"][-1]
    assert originate["Channel"] == "Local/447700900461@phones"
    assert "SN_RECORD_KIND=today" in originate["Variable"]
