"""Faxes through a REAL Asterisk (only with ASTERISK_BIN; res_fax and res_fax_spandsp built):
``make run`` as in test_real_flows.py. A second channel — a "fax machine", ``SendFAX`` on a
Local channel through ``sn-demo-caller`` — calls Alice's smartnumber; her mobile does not
answer, the voicemail step detects the fax (FAXOPT(faxdetect)), the gateway's ``fax``
conversation runs ReceiveFAX and deposits the fax in her mailbox; the spool is left empty.
With her office fax chosen, the gateway then sends it on there: an Originate into
``sn-fax-out``, whose ``fax-send`` conversation runs SendFAX to a demo number answering with
ReceiveFAX. A fax machine calling her mailbox number (``sn-mailbox-access``) is received too.

The same behaviours are covered against the FAKE Asterisk in gateway/tests (make test).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from gateway.tests.real_asterisk.real_platform import ALICE, ASTERISK, Platform, start
from gateway.tests.real_asterisk.watching import Ami, eventually

pytestmark = pytest.mark.skipif(
    not ASTERISK, reason="needs a real Asterisk: set ASTERISK_BIN=/path/to/sbin/asterisk"
)
SMARTNUMBER = ALICE.digits


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """A make run of its own (the conftest's ``ami`` uses it here): these faxes fill Alice's
    mailbox, whose messages and lamp test_real_flows.py counts."""
    yield from start(tmp_path_factory.mktemp("real-asterisk-fax"))


def fax_page(path: Path) -> Path:
    """A one-page fax as a fax machine's software writes it: 1728 dots wide, 204×196 dpi, G4."""
    page = Image.new("1", (1728, 2200), color=1)
    ImageDraw.Draw(page).rectangle((200, 200, 1500, 400), fill=0)
    page.save(path, format="TIFF", compression="group4", dpi=(204, 196))
    return path


async def test_a_fax_machine_calling_her_smartnumber_is_received_into_her_mailbox(
    platform: Platform, ami: Ami, tmp_path: Path
) -> None:
    tiff = fax_page(tmp_path / "page.tif")
    await ami.send(
        Action="Originate",
        Channel=f"Local/{SMARTNUMBER}@sn-demo-caller",
        Application="SendFAX",
        Data=str(tiff),
        Timeout="60000",
        Async="true",
    )

    async def faxes() -> list[dict[str, Any]]:
        async with platform.client("MAILBOX_PORT") as mailbox:
            return list((await mailbox.get("/v1/mailboxes/users/me/faxes")).json())

    found = await eventually(faxes, within=180)
    assert found[0]["pages"] == 1 and found[0]["caller_number"] == "+447700900555"
    sent = await ami.wait_for(lambda e: e.get("Event") == "ReceiveFAX", within=30)
    assert sent.get("PagesTransferred") == "1", sent
    async with platform.client("MAILBOX_PORT") as mailbox:
        messages = (await mailbox.get("/v1/mailboxes/users/me/messages")).json()
    assert messages == [], "the fax machine's tones are not a voicemail"
    spool = platform.var / "spool" / "faxes"
    assert not list(spool.glob("*.tif")), "the received TIFF left Asterisk's spool"


async def test_a_fax_received_goes_on_to_her_office_fax_machine_with_sendfax(
    platform: Platform, ami: Ami, tmp_path: Path
) -> None:
    # 1. Alice keeps an office fax and has faxes sent there (§5.5); the machine at that number
    #    is a demo "phone" that answers with ReceiveFAX.
    async with platform.client("PRESENCE_PORT") as presence:
        r = await presence.patch("/v1/users/me/numbers", json={"office_fax": "01632 960888"})
        assert r.status_code == 200, r.text

    async def office_fax_known() -> bool:
        async with platform.client("MAILBOX_PORT") as mailbox:
            box = (await mailbox.get("/v1/mailboxes/users/me")).json()
        return box["fax_numbers"].get("office_fax") == "+441632960888"

    await eventually(office_fax_known, within=30)
    async with platform.client("MAILBOX_PORT") as mailbox:
        r = await mailbox.patch("/v1/mailboxes/users/me/settings", json={"fax_delivery": "office_fax"})
        assert r.status_code == 200, r.text
    office = tmp_path / "office-fax.tif"
    platform.cli(f"dialplan add extension 441632960888,1,ReceiveFAX,{office} into sn-demo-phones replace")
    # 2. A fax machine calls her smartnumber; the fax is received into her mailbox, and the
    #    gateway sends it on: sn-fax-out's fax-send conversation runs SendFAX.
    await ami.send(
        Action="Originate",
        Channel=f"Local/{SMARTNUMBER}@sn-demo-caller",
        Application="SendFAX",
        Data=str(fax_page(tmp_path / "page.tif")),
        Timeout="60000",
        Async="true",
    )
    received = await ami.wait_for(
        lambda e: e.get("Event") == "ReceiveFAX" and e.get("FileName") == str(office), within=240
    )
    assert received.get("PagesTransferred") == "1", received
    assert office.is_file() and office.stat().st_size > 0
    sent = await ami.wait_for(
        lambda e: e.get("Event") == "SendFAX" and "/faxes/out-" in e.get("FileName", "")
    )
    assert sent.get("PagesTransferred") == "1", sent
    # 3. Neither TIFF stays in Asterisk's spool.
    spool = platform.var / "spool" / "faxes"

    async def spool_empty() -> bool:
        return not list(spool.glob("*.tif"))

    await eventually(spool_empty, within=30)


async def test_a_fax_machine_calling_her_mailbox_number_is_received_into_her_mailbox(
    platform: Platform, ami: Ami, tmp_path: Path
) -> None:
    """§1: "your single mailbox number allows you to receive faxes" (sn-mailbox-access)."""
    async with platform.client("DIRECTORY_PORT") as directory:
        r = await directory.patch("/v1/users/alice", json={"mailbox_number": "01632 960101"})
        assert r.status_code == 200, r.text

    async def faxes() -> list[dict[str, Any]]:
        async with platform.client("MAILBOX_PORT") as mailbox:
            return list((await mailbox.get("/v1/mailboxes/users/me/faxes")).json())

    before = {f["id"] for f in await faxes()}
    await ami.send(
        Action="Originate",
        Channel="Local/441632960101@sn-demo-caller",
        Application="SendFAX",
        Data=str(fax_page(tmp_path / "page.tif")),
        Timeout="60000",
        Async="true",
    )

    async def arrived() -> list[dict[str, Any]]:
        return [f for f in await faxes() if f["id"] not in before]

    (fax,) = await eventually(arrived, within=120)
    assert fax["pages"] == 1 and fax["caller_number"] == "+447700900555"
