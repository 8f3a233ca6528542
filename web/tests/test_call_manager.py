"""Story (§7): a ringing call handled in the Call Manager, driven by the gateway's call events.

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
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from smartnumbers_kit.natsserver import NatsServer

from gateway.tests.fake_agi import FakeAgiChannel
from gateway.tests.fake_ami import FakeAmi
from web.tests.pages import serious_violations, sign_in
from web.tests.stack import Platform, eventually, running_platform
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
    nats_server: NatsServer,
    dev_keys: tuple[Path, Path],
    fake_asterisk: tuple[asyncio.AbstractEventLoop, FakeAmi, int],
) -> Iterator[Platform]:
    tmp = tmp_path_factory.mktemp("web-cm")
    org = f"org{tmp.name[-6:].replace('-', '')}"
    with running_platform(tmp, nats_server.url, dev_keys, org, ami_port=fake_asterisk[2]) as p:
        yield p


def test_a_ringing_call_is_held_accepted_and_delegated_in_the_call_manager(
    platform: Platform, context: Any, fake_asterisk: tuple[asyncio.AbstractEventLoop, FakeAmi, int]
) -> None:
    loop, ami, _ = fake_asterisk
    nina = platform.ready_user("nina", "Nina Nash", "864219")
    oscar = platform.ready_user("oscar", "Oscar Orr", "917253")
    token = api_sign_in(platform.directory.url, nina.number, nina.password)
    presence = httpx.Client(base_url=platform.presence.url, headers={"Authorization": f"Bearer {token}"})

    # 1
    page = context.new_page()
    sign_in(page, nina)
    page.get_by_role("navigation", name="Menu bar").get_by_role("link", name="Call Manager").click()
    expect(page.locator("#cm-connection")).to_have_text("Connected: this window is your Call Manager.")
    assert presence.get("/v1/users/me/presence").json()["call_manager_connected"] is True
    assert presence.patch("/v1/users/me/numbers", json={"mobile": "07700 900401"}).status_code == 200
    assert presence.put("/v1/users/me/location", json={"location": "mobile"}).status_code == 200
    r = presence.put("/v1/users/me/availability", json={"availability": "pc_ring", "delegate_id": "oscar"})
    assert r.status_code == 200, r.text
    assert serious_violations(page) == []

    # 2
    call_id = "web-cm-1"
    digits = "44" + nina.number.replace(" ", "")[1:]
    caller = "44" + oscar.number.replace(" ", "")[1:]

    def agi(**kwargs: Any) -> FakeAgiChannel:
        channel = FakeAgiChannel(platform.agi_port, callerid=caller, calleridname="", **kwargs)
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
    expect(card.get_by_role("heading")).to_have_text(f"Call from Oscar Orr (+{caller})")
    expect(card.locator(f"#call-status-{call_id}")).to_have_text("Ringing for you")
    expect(page.locator("body")).to_have_attribute("data-rang", "1")
    assert serious_violations(page) == []

    def moves() -> list[tuple[str | None, str | None]]:
        return [(a.get("Context"), a.get("Exten")) for a in ami.actions if a["Action"] == "Redirect"]

    # 3
    card.get_by_role("button", name="Please Hold").click()
    expect(card.locator(f"#call-result-{call_id}")).to_have_text("The caller hears Please Hold.")
    assert moves() == [("sn-hold", "s")]

    # 4
    card.get_by_role("button", name="Accept").click()
    expect(card.locator(f"#call-status-{call_id}")).to_have_text("Transferred to nina.")
    assert moves()[-1] == ("sn-cm", "accept")

    # 5
    card.get_by_role("button", name="Delegate").click()
    expect(card.locator(f"#call-status-{call_id}")).to_have_text("Transferred to oscar.")
    expect(card.locator(f"#call-result-{call_id}")).to_have_text("Sent to your delegate.")
