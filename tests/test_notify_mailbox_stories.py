"""Stories: a voicemail or a fax arrives in the mailbox and leaves as the user chose (§3.5, §5.1.7,
§5.3.6, §5.6): email with the recording or the fax image, SMS, pager, the call-to-location command.

Real nats-server, real mailbox and notify processes, a real SMTP server (aiosmtpd); SMS through
the fake of Kannel's sendsms interface (services/notify/tests/test_kannel.py uses real Kannel).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from smartnumbers_contracts import directory as wire
from smartnumbers_kit.devdirectory import publish
from smartnumbers_kit.serviceprocess import ServiceProcess
from smartnumbers_notify.templates import local_time

from services.mailbox.tests.e2e import mailbox_process
from services.mailbox.tests.samples import tiff, tone_wav
from services.notify.tests.e2e import FakeSmsbox, SmtpServer, notify_process
from services.presence.tests.e2e import BusWatcher, envelope, eventually

ALICE_MOBILE = "+447700900111"


@pytest.fixture
def nats_server(fresh_nats_server):
    """A nats-server of this story's own: durable consumers on the session's server would first
    have to work through every earlier test's events."""
    return fresh_nats_server


@pytest.fixture
def stage(tmp_path, nats_server, dev_keys, mint, smtp: SmtpServer, smsbox: FakeSmsbox) -> Iterator[Any]:
    mailbox = mailbox_process(
        tmp_path / "mailbox", nats_server.url, dev_keys[1], MAILBOX_SWEEP_SECONDS="3600"
    )
    (tmp_path / "mailbox").mkdir()
    mailbox.start()
    notify = notify_process(
        tmp_path / "notify", nats_server.url, dev_keys, smtp, smsbox.url, MAILBOX_URL=mailbox.url
    )
    (tmp_path / "notify").mkdir()
    try:
        notify.start()
        yield mailbox, notify
    finally:
        notify.stop()
        mailbox.stop()


def client(service: ServiceProcess, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=service.url, headers={"Authorization": f"Bearer {token}"}, timeout=20)


async def alice_joins(nats_url: str, org: str, mailbox: ServiceProcess, gw: httpx.AsyncClient) -> None:
    """The directory creates Alice (email, mobile, New York time); the mailbox opens her mailbox."""
    profile = wire.UserProfile(
        display_name="Alice Archer",
        email="alice@example.com",
        sms_number=ALICE_MOBILE,
        time_zone="America/New_York",
        smartnumber="+441632960001",
    )
    await publish(
        nats_url,
        wire.OrganisationConfigured(**envelope(org), name=org, default_country="GB"),
        wire.UserCreated(**envelope(org), user_id="alice", display_name="Alice Archer", profile=profile),
    )
    await eventually(
        lambda: gw.get(f"{mailbox.url}/v1/mailboxes/users/alice"), lambda r: r.status_code == 200
    )


def new_york_times() -> list[str]:
    """The time of a message that arrived a moment ago, as New York reads it (this minute or the last)."""
    now = datetime.now(ZoneInfo("America/New_York"))
    return [local_time(now - timedelta(minutes=m), "America/New_York") for m in (0, 1)]


def attachment(message: EmailMessage) -> tuple[str, str, bytes]:
    [part] = list(message.iter_attachments())
    return part.get_filename(), part.get_content_type(), part.get_payload(decode=True)


async def test_story_a_voicemail_and_a_fax_alert_alice_every_way_she_chose(
    stage, nats_server, mint, org, smtp: SmtpServer, smsbox: FakeSmsbox
):
    mailbox, notify = stage
    async with (
        client(mailbox, mint("gateway", org, "service")) as gw,
        client(mailbox, mint("alice", org)) as alice_mailbox,
        client(notify, mint("alice", org)) as alice_notify,
        BusWatcher(nats_server.url, "gateway.alert.>") as gateway_commands,
    ):
        await alice_joins(nats_server.url, org, mailbox, gw)
        # 0. At first only the message-waiting light is on (§3.5): a message sends nothing.
        r = await gw.post(
            "/v1/mailboxes/users/alice/messages",
            content=tone_wav(0.5),
            params={"caller_number": "+441632960444", "caller_name": "Early Eddie"},
            headers={"Content-Type": "audio/wav"},
        )
        assert r.status_code == 201, r.text
        # 1. Alice wants every alert (§3.5) and gives her pager's number (a new setting, kept by notify).
        r = await alice_mailbox.patch(
            "/v1/mailboxes/users/me/settings",
            json={"alerts": {"call": True, "sms": True, "email": True, "pager": True}},
        )
        assert r.status_code == 200, r.text
        r = await alice_notify.put("/v1/users/me/pager", json={"pager_number": "07700 900222"})
        assert r.json() == {"pager_number": "+447700900222"}
        await eventually(
            lambda: alice_notify.get("/v1/users/me/alerts"),
            lambda r: r.status_code == 200 and r.json()["alerts"]["pager"] and r.json()["email"],
        )

        # 2. Pam leaves Alice an urgent voicemail of 2 seconds.
        r = await gw.post(
            "/v1/mailboxes/users/alice/messages",
            content=tone_wav(2.0),
            params={"caller_number": "+441632960555", "caller_name": "Pam", "urgent": True},
            headers={"Content-Type": "audio/wav"},
        )
        assert r.status_code == 201, r.text
        message_id = r.json()["id"]

        # 3. The email: who called, the time in New York, how long.
        [email] = await smtp.messages.at_least(1)
        assert email["To"] == "alice@example.com" and email["Subject"] == "New urgent voicemail from Pam"
        body = email.get_body().get_content()
        assert "Hello Alice Archer" in body and "2 seconds" in body
        assert any(f"in your mailbox at {t}." in body for t in new_york_times()), body
        # 4. The SMS to her mobile, and the short pager message with the caller's number.
        await smsbox.received.at_least(2)
        [text] = smsbox.texts_to(ALICE_MOBILE)
        assert text.startswith("New urgent voicemail for your mailbox from Pam at ") and "2s" in text
        [page] = smsbox.texts_to("+447700900222")
        assert page.startswith("VM +441632960555 ")
        # 5. The gateway is asked to call her current location.
        call = await gateway_commands.next_matching("gateway.alert.message_call.v1", organisation_id=org)
        assert (call["user_id"], call["message_id"], call["kind"]) == ("alice", message_id, "voicemail")

        # 6. A fax of 3 pages alerts her the same way.
        r = await gw.post(
            "/v1/mailboxes/users/alice/faxes",
            content=tiff(3),
            params={"caller_number": "+441632960777"},
            headers={"Content-Type": "image/tiff"},
        )
        assert r.status_code == 201, r.text
        messages = await smtp.messages.at_least(2)
        assert messages[1]["Subject"] == "New fax from +441632960777" and "3 page(s)" in str(messages[1])
        await smsbox.received.at_least(4)
        assert any("New fax" in t and "3 page(s)" in t for t in smsbox.texts_to(ALICE_MOBILE))
        await gateway_commands.next_matching("gateway.alert.message_call.v1", organisation_id=org, kind="fax")

        # 7. Her delivery history shows each, sent.
        history = await eventually(
            lambda: alice_notify.get("/v1/deliveries"),
            lambda r: (
                len(r.json()["deliveries"]) == 6 and {d["status"] for d in r.json()["deliveries"]} == {"sent"}
            ),
        )
        assert not any(
            "Eddie" in (d["text"] or "") + (d["subject"] or "") for d in history.json()["deliveries"]
        )
        assert sorted(d["channel"] for d in history.json()["deliveries"]) == [
            "email",
            "email",
            "pager",
            "pager",
            "sms",
            "sms",
        ]


async def test_story_voice_to_email_archive_and_fax_to_email_carry_the_recording_and_the_image(
    stage, nats_server, mint, org, smtp: SmtpServer
):
    mailbox, _notify = stage
    async with (
        client(mailbox, mint("gateway", org, "service")) as gw,
        client(mailbox, mint("alice", org)) as alice,
    ):
        await alice_joins(nats_server.url, org, mailbox, gw)
        # 1. Voice-to-email (§5.1.7): Pam's voicemail arrives as an email with the WAV.
        r = await alice.patch("/v1/mailboxes/users/me/settings", json={"voice_to_email": True})
        assert r.status_code == 200, r.text
        recording = tone_wav(1.0)
        r = await gw.post(
            "/v1/mailboxes/users/alice/messages",
            content=recording,
            params={"caller_number": "+441632960555", "caller_name": "Pam"},
            headers={"Content-Type": "audio/wav"},
        )
        message_id = r.json()["id"]
        [email] = await smtp.messages.at_least(1)
        assert email["To"] == "alice@example.com" and email["Subject"] == "Voicemail from Pam"
        assert attachment(email) == (f"voicemail-{message_id}.wav", "audio/wav", recording)
        body = email.get_body().get_content()
        assert body.startswith("Hello Alice Archer,") and "it is 1 second long" in body
        assert any(f"Pam (+441632960555) left you a voicemail at {t};" in body for t in new_york_times()), (
            body
        )

        # 2. She archives it (§5.3.6): another email with the same recording.
        await alice.patch("/v1/mailboxes/users/me/settings", json={"voice_to_email": False})
        r = await alice.post(f"/v1/mailboxes/users/me/messages/{message_id}/archive")
        assert r.status_code == 202, r.text
        archived = (await smtp.messages.at_least(2))[1]
        assert archived["Subject"] == "Archived voicemail from Pam" and attachment(archived)[2] == recording
        assert "Here is the voicemail you archived" in archived.get_body().get_content()

        # 3. Fax-to-email (§5.6): the TIFF is attached.
        await alice.patch("/v1/mailboxes/users/me/settings", json={"fax_delivery": "email"})
        image = tiff(2)
        r = await gw.post(
            "/v1/mailboxes/users/alice/faxes",
            content=image,
            params={"caller_number": "+441632960777"},
            headers={"Content-Type": "image/tiff"},
        )
        assert r.status_code == 201, r.text
        fax = (await smtp.messages.at_least(3))[2]
        name, kind, data = attachment(fax)
        assert name == f"fax-{r.json()['id']}.tif" and kind == "image/tiff" and data == image
        assert fax["Subject"] == "Fax from +441632960777"
        body = fax.get_body().get_content()
        assert any(
            f"A fax of 2 page(s) from +441632960777 arrived at {t}." in body for t in new_york_times()
        ), body
