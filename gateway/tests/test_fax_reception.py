"""Faxes arriving (§1, §5.5): a FAKE Asterisk detects a fax machine and runs the ``fax``
conversation (ReceiveFAX, then FAXSTATUS/FAXPAGES/FAXERROR read though the machine has hung
up); the real mailbox keeps the fax, sends it on as its owner chose and says so on the bus.
A failed reception deposits nothing and says why; the spool is left empty either way."""

from __future__ import annotations

import uuid

import httpx
import pytest
from smartnumbers_contracts import routing as wire
from smartnumbers_gateway.asterisk.fastagi import FastAgiServer
from smartnumbers_gateway.asterisk.speech import Speech
from smartnumbers_gateway.clients.mailbox import MailboxClient
from smartnumbers_gateway.clients.service_tokens import ServiceTokens
from smartnumbers_gateway.incoming.fax import FaxReception
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_gateway.incoming.voicemail import Voicemail
from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.settings import DEV_ISSUER

from gateway.tests.fake_agi import FakeAgiChannel
from services.mailbox.tests.e2e import Directory
from services.mailbox.tests.samples import tiff, tone_wav
from services.presence.tests.e2e import BusWatcher


@pytest.fixture
async def gateway(tmp_path, mailbox, nats_server, dev_keys, mint):
    """The gateway's ``fax`` and ``voicemail`` routes, as bootstrap.py wires them; adam's
    mailbox number (+441632960100) has a call in flight, ``call-7``."""
    org = f"org-{uuid.uuid4().hex[:8]}"
    await Directory(nats_server.url, mailbox.url, mint("gw", org, "service"), org).users(
        "adam", email="example.org"
    )
    plans = PlansInFlight()
    plans.remember(
        wire.RoutingPlan(
            call_id="call-7",
            organisation_id=org,
            dialled="+441632960100",
            call_for_kind="user",
            call_for="adam",
            mailbox_access=True,
            reasons=[],
            steps=[],
        )
    )
    published: list = []
    box = MailboxClient(mailbox.url, ServiceTokens(dev_keys[0], DEV_ISSUER))
    speech = Speech(tmp_path)
    speech.available = False
    spool = tmp_path / "spool"
    agi = FastAgiServer(header_timeout=0.5)
    agi.add_route("fax", FaxReception(plans, box, spool, published.append))
    agi.add_route("voicemail", Voicemail(plans, box, speech, spool, published.append))
    port = free_port()
    server = await agi.serve("127.0.0.1", port, 64)
    yield org, port, published, spool
    server.close()
    await box.close()


async def faxes_of(mailbox, token: str) -> list[dict]:
    async with httpx.AsyncClient(base_url=mailbox.url, headers={"Authorization": f"Bearer {token}"}) as m:
        r = await m.get("/v1/mailboxes/users/me/faxes")
        assert r.status_code == 200, r.text
        return r.json()


def spooled(spool) -> list:
    return sorted(p.name for p in spool.rglob("*") if p.is_file())


async def test_story_a_fax_machine_calls_the_mailbox_number_and_the_fax_is_emailed(
    gateway, mailbox, nats_server, mint
):
    org, port, published, spool = gateway
    adam = mint("adam", org)
    # 1. Adam has faxes sent to his email (§5.5.2).
    async with httpx.AsyncClient(base_url=mailbox.url, headers={"Authorization": f"Bearer {adam}"}) as m:
        r = await m.patch("/v1/mailboxes/users/me/settings", json={"fax_delivery": "email"})
        assert r.status_code == 200, r.text
    # 2. A fax machine calls his mailbox number; Asterisk detects it and jumps to "fax" (no
    #    mailbox argument: the number's owner). Three pages arrive; the machine hangs up.
    async with (
        BusWatcher(nats_server.url, "notify.>") as bus,
        BusWatcher(nats_server.url, "mailbox.>") as box,
    ):
        call = await FakeAgiChannel(
            port,
            script="fax",
            args=["", "call-7"],
            callerid="441632960444",
            fax_sends=tiff(3),
            fax_result={"FAXPAGES": "3"},
        ).run()
        # 3. The fax is in his mailbox, with its sender and pages, as the web shows it.
        (fax,) = await faxes_of(mailbox, adam)
        assert (fax["pages"], fax["caller_number"]) == (3, "+441632960444")
        # 4. It follows his fax delivery setting (email, the TIFF attached) and alerts.
        arrived = await box.next_matching("mailbox.fax.received.v1", fax_id=fax["id"])
        assert arrived["pages"] == 3
        email = await bus.next_matching("notify.email.send.v1", user_id="adam", reason="fax_to_email")
        assert email["to"] == "adam@example.org"
        assert [a["filename"] for a in email["attachments"]] == [f"fax-{fax['id']}.tif"]
    assert any(c.startswith("EXEC ReceiveFAX ") for c in call.sent)
    assert [c for c in call.sent if c.startswith("GET VARIABLE")] == [
        "GET VARIABLE FAXSTATUS",
        "GET VARIABLE FAXPAGES",
        "GET VARIABLE FAXERROR",
        "GET VARIABLE REMOTESTATIONID",
    ], "the result is read after the machine hung up"
    # 5. Nothing stays in Asterisk's spool, and nothing went wrong.
    assert spooled(spool) == [] and published == []


async def test_a_fax_to_a_smartnumber_that_went_to_voicemail_is_received_into_that_mailbox(
    gateway, mailbox, mint
):
    org, port, published, spool = gateway
    await FakeAgiChannel(port, script="fax", args=["adam", "call-7"], fax_sends=tiff(1)).run()
    (fax,) = await faxes_of(mailbox, mint("adam", org))
    assert fax["pages"] == 1
    assert spooled(spool) == []


async def test_a_failed_reception_deposits_nothing_and_says_why(gateway, mailbox, mint):
    org, port, published, spool = gateway
    # The machine hangs up after one page of two: res_fax reports FAILED / HANGUP; the
    # partial TIFF it wrote is not deposited, and leaves the spool.
    call = await FakeAgiChannel(
        port,
        script="fax",
        args=["adam", "call-7"],
        callerid="441632960444",
        fax_sends=tiff(1),
        fax_result={"FAXSTATUS": "FAILED", "FAXPAGES": "1", "FAXERROR": "HANGUP"},
    ).run()
    assert await faxes_of(mailbox, mint("adam", org)) == []
    (failed,) = published
    assert failed.subject == "gateway.fax.not_received.v1"
    assert (failed.mailbox, failed.caller_number, failed.status, failed.error, failed.pages) == (
        "adam",
        "+441632960444",
        "FAILED",
        "HANGUP",
        1,
    )
    assert failed.organisation_id == org and failed.call_id == "call-7"
    assert any(c.startswith("EXEC ReceiveFAX ") for c in call.sent)
    assert spooled(spool) == []


async def test_an_asterisk_without_res_fax_receives_nothing_and_says_so(gateway, mailbox, mint):
    org, port, published, spool = gateway
    await FakeAgiChannel(
        port, script="fax", args=["adam", "call-7"], fax_sends=tiff(1), missing_apps={"ReceiveFAX"}
    ).run()
    assert await faxes_of(mailbox, mint("adam", org)) == []
    (failed,) = published
    assert "res_fax" in failed.error


async def test_fax_tones_recorded_before_the_fax_was_detected_are_not_a_voicemail(gateway, mailbox, mint):
    org, port, published, spool = gateway
    # The greeting ended and recording began before Asterisk recognised the fax machine: it
    # jumped to "fax" (FAXEXTEN set), which ends the voicemail conversation like a hang-up.
    await FakeAgiChannel(
        port,
        script="voicemail",
        args=["adam", "system", "call-7"],
        says=tone_wav(2.0),
        hangs_up_while_recording=True,
        variables={"FAXEXTEN": "+441632960100"},
    ).run()
    async with httpx.AsyncClient(
        base_url=mailbox.url, headers={"Authorization": f"Bearer {mint('adam', org)}"}
    ) as m:
        assert (await m.get("/v1/mailboxes/users/me/messages")).json() == []
    assert published == [] and spooled(spool) == []
