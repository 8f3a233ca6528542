"""Sending a fax on (§5.5, §5.6): the delivery command → AMI Originate (FAKE Asterisk) into
``sn-fax-out`` → the ``fax-send`` conversation runs SendFAX and reads FAXSTATUS, FAXPAGES and
FAXERROR → ``gateway.fax.sent.v1`` says how it went. The TIFF leaves the spool every time."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

import httpx
import pytest
from smartnumbers_contracts import calls
from smartnumbers_contracts import gateway as commands

from gateway.tests.fake_ami import FakeAmi
from gateway.tests.fax_sending import fax_line
from services.mailbox.tests.e2e import Directory
from services.mailbox.tests.samples import tiff


@pytest.fixture
async def a_fax(mailbox, nats_server, mint):
    """A fax of two pages in adam's mailbox, and the command to send it to +441632960999."""
    org = f"org-{uuid.uuid4().hex[:8]}"
    await Directory(nats_server.url, mailbox.url, mint("gw", org, "service"), org).users("adam")
    headers = {"Authorization": f"Bearer {mint('gateway', org, 'service')}", "Content-Type": "image/tiff"}
    async with httpx.AsyncClient(base_url=mailbox.url, headers=headers) as gw:
        r = await gw.post("/v1/mailboxes/users/adam/faxes", content=tiff(2))
        assert r.status_code == 201, r.text
    fax = r.json()
    return commands.DeliverFax(
        event_id=uuid.uuid4(),
        organisation_id=org,
        occurred_at=datetime.now(UTC),
        user_id="adam",
        fax_id=fax["id"],
        to_number="+441632960999",
        sha256=hashlib.sha256(tiff(2)).hexdigest(),
        pages=2,
        fetch_path=fax["image_path"],
    )


def spooled(spool) -> list[str]:
    return sorted(p.name for p in spool.rglob("*") if p.is_file())


async def test_story_the_fax_machine_answers_and_the_fax_is_sent(
    fresh_nats_server, mailbox, dev_keys, tmp_path, a_fax
):
    spool = tmp_path / "spool"
    async with fax_line(fresh_nats_server.url, mailbox.url, dev_keys[0], spool) as line:
        await line.js.publish(a_fax.subject, a_fax.to_bytes())
        # 1. Asterisk dials the fax number; answered, the call runs the dialplan's sn-fax-out.
        originate = await line.originated()
        assert originate["Channel"] == "Local/441632960999@phones"
        assert "Application" not in originate, "SendFAX runs in the dialplan, where its result can be read"
        # 2. The machine answers: SendFAX sends the fax's TIFF; the machine hangs up when done.
        machine = await line.machine_answers(fax_result={"FAXPAGES": "2", "REMOTESTATIONID": "OFFICE FAX"})
        assert machine.faxes_sent == [tiff(2)]
        sent = await line.said()
    # 3. How it went, with SendFAX's own result, read after the hang-up.
    assert isinstance(sent, calls.FaxSent)
    assert (sent.delivered, sent.reason, sent.pages, sent.error, sent.remote_station_id) == (
        True,
        "sent",
        2,
        None,
        "OFFICE FAX",
    )
    assert (sent.fax_id, sent.to_number, sent.user_id, sent.organisation_id) == (
        a_fax.fax_id,
        "+441632960999",
        "adam",
        a_fax.organisation_id,
    )
    # 4. Nothing stays in Asterisk's spool.
    assert spooled(spool) == []


async def test_a_fax_that_fails_midway_is_recorded_with_its_error(
    fresh_nats_server, mailbox, dev_keys, tmp_path, a_fax
):
    spool = tmp_path / "spool"
    async with fax_line(fresh_nats_server.url, mailbox.url, dev_keys[0], spool) as line:
        await line.js.publish(a_fax.subject, a_fax.to_bytes())
        await line.machine_answers(fax_result={"FAXSTATUS": "FAILED", "FAXPAGES": "1", "FAXERROR": "HANGUP"})
        sent = await line.said()
    assert (sent.delivered, sent.reason, sent.pages, sent.error) == (False, "fax failed", 1, "HANGUP")
    assert spooled(spool) == []


async def test_a_busy_fax_machine_is_recorded_and_the_tiff_leaves_the_spool(
    fresh_nats_server, mailbox, dev_keys, tmp_path, a_fax
):
    spool = tmp_path / "spool"
    async with fax_line(
        fresh_nats_server.url, mailbox.url, dev_keys[0], spool, FakeAmi(originate_reason="5")
    ) as line:
        await line.js.publish(a_fax.subject, a_fax.to_bytes())
        sent = await line.said()
    assert (sent.delivered, sent.reason, sent.pages, sent.error) == (False, "busy", None, None)
    assert spooled(spool) == []


async def test_an_asterisk_without_res_fax_sends_nothing_and_says_so(
    fresh_nats_server, mailbox, dev_keys, tmp_path, a_fax
):
    spool = tmp_path / "spool"
    async with fax_line(fresh_nats_server.url, mailbox.url, dev_keys[0], spool) as line:
        await line.js.publish(a_fax.subject, a_fax.to_bytes())
        machine = await line.machine_answers(missing_apps={"SendFAX"})
        sent = await line.said()
    assert machine.faxes_sent == []
    assert (sent.delivered, sent.reason) == (False, "fax failed") and "res_fax" in sent.error
    assert spooled(spool) == []
