"""Commands on the NOTIFY stream leave through a real SMTP server and the smsbox interface.

Real nats-server, a real notify process, a real SMTP server (aiosmtpd); SMS through the
fake of Kannel's sendsms interface (test_kannel.py uses the real Kannel).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from smartnumbers_contracts import notify as wire

from services.mailbox.tests.e2e import publish_on_bus
from services.notify.tests.e2e import FakeSmsbox, SecureSmtpServer, SmtpServer, notify_process
from services.presence.tests.e2e import BusWatcher, eventually


def envelope(org: str) -> dict[str, Any]:
    return {"event_id": uuid.uuid4(), "organisation_id": org, "occurred_at": datetime.now(UTC)}


def sms(org: str, to: str, text: str, by: str = "boss", **fields: Any) -> wire.SendSms:
    return wire.SendSms(**envelope(org), to=to, text=text, requested_by=by, **fields)


def mail(org: str, to: str, title: str = "Hello", body: str = "Body", user: str = "alice") -> wire.SendEmail:
    return wire.SendEmail(**envelope(org), user_id=user, to=to, title=title, body=body, reason="archive")


def client(url: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=20)


async def history(c: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    r = await c.get("/v1/deliveries", params=params)
    assert r.status_code == 200, r.text
    return r.json()["deliveries"]


async def test_an_email_and_an_sms_leave_once_and_each_user_reads_their_history(
    tmp_path, nats_server, dev_keys, mint, org, smtp: SmtpServer, smsbox: FakeSmsbox
):
    service = notify_process(tmp_path, nats_server.url, dev_keys, smtp, smsbox.url)
    service.start()
    try:
        async with (
            BusWatcher(nats_server.url, "notify.delivery.>") as bus,
            client(service.url, mint("alice", org)) as alice,
            client(service.url, mint("boss", org, "admin")) as boss,
            client(service.url, mint("alice", "other-org", "admin")) as stranger,
        ):
            # 1. The mailbox queues an email for Alice; the directory an SMS from Boss. One command
            #    is published twice (a relay republishing after its duplicate window): one delivery.
            email_command = mail(org, "alice@example.com", "Voicemail from Pam", "A voicemail from Pam.")
            await publish_on_bus(nats_server.url, email_command, sms(org, "07700 900123", "Fire drill at 3"))
            await publish_on_bus(nats_server.url, email_command.model_copy(), email_command)
            [message] = await smtp.messages.at_least(1)
            [text] = await smsbox.received.at_least(1)

            # 2. What the SMTP server received: headers, and the body from the template.
            assert message["To"] == "alice@example.com" and message["Subject"] == "Voicemail from Pam"
            assert "A voicemail from Pam." in message.get_body().get_content()
            # 3. What the smsbox received: E.164 number, the text, the account.
            assert (text["to"], text["text"], text["password"]) == (
                "+447700900123",
                "Fire drill at 3",
                "secret",
            )
            sent = await bus.next_matching("notify.delivery.sent.v1", organisation_id=org, channel="email")
            assert sent["to"] == "alice@example.com" and sent["attempts"] == 1

            # 4. Alice sees her own deliveries only; the admin sees the organisation's; another
            #    organisation sees nothing of them.
            mine = await eventually(lambda: history(alice), lambda h: h and h[0]["status"] == "sent")
            assert [(d["channel"], d["to"], d["status"]) for d in mine] == [
                ("email", "alice@example.com", "sent")
            ]
            everyone = await eventually(lambda: history(boss), lambda h: {d["status"] for d in h} == {"sent"})
            assert sorted(d["channel"] for d in everyone) == ["email", "sms"]
            assert await history(stranger) == []
            forbidden = await alice.get("/v1/deliveries", params={"user_id": "boss"})
            assert forbidden.status_code == 403 and "your own" in forbidden.text
            assert len(smtp.messages.items) == 1, "the repeated command was sent again"
    finally:
        service.stop()


async def test_bad_sms_are_refused_with_a_reason_and_rate_limits_hold(
    tmp_path, nats_server, dev_keys, mint, org, smtp: SmtpServer, smsbox: FakeSmsbox
):
    service = notify_process(
        tmp_path, nats_server.url, dev_keys, smtp, smsbox.url, SMS_PER_USER_PER_MINUTE="2", SMS_MAX_PARTS="2"
    )
    service.start()
    try:
        async with (
            BusWatcher(nats_server.url, "notify.delivery.>") as bus,
            client(service.url, mint("boss", org, "admin")) as boss,
        ):
            # 1. A text of 3 SMS parts and a number that is none are refused, saying why.
            await publish_on_bus(nats_server.url, sms(org, "07700 900001", "x" * 400), sms(org, "12", "hi"))
            long = await bus.next_matching(
                "notify.delivery.failed.v1", organisation_id=org, to="+447700900001"
            )
            assert "needs 3 SMS parts" in long["error"] and "at most 2" in long["error"]
            bad = await bus.next_matching("notify.delivery.failed.v1", organisation_id=org, to="12")
            assert "not a dialable number" in bad["error"] or "not a phone number" in bad["error"]

            # 2. Boss may send 2 SMS a minute: the third is refused, the others leave.
            await publish_on_bus(nats_server.url, *(sms(org, f"07700 90010{i}", f"n{i}") for i in range(3)))
            refused = await bus.next_matching(
                "notify.delivery.failed.v1", organisation_id=org, to="+447700900102"
            )
            assert "already sent 2 SMS in the last minute" in refused["error"]
            await smsbox.received.at_least(2)
            h = await eventually(
                lambda: history(boss),
                lambda h: len(h) == 5 and all(d["status"] in ("sent", "failed") for d in h),
            )
            assert sorted(d["status"] for d in h) == ["failed", "failed", "failed", "sent", "sent"]
            assert smsbox.texts_to("+447700900102") == []
    finally:
        service.stop()


async def test_transient_failures_are_retried_and_permanent_ones_become_failed_events(
    tmp_path, nats_server, dev_keys, mint, org, smtp: SmtpServer, smsbox: FakeSmsbox
):
    smsbox.answers = [503, 503]  # Kannel's queue is full twice, then accepts
    smtp.refuse["nobody@example.com"] = "550 5.1.1 No such user"
    service = notify_process(tmp_path, nats_server.url, dev_keys, smtp, smsbox.url)
    service.start()
    try:
        async with BusWatcher(nats_server.url, "notify.delivery.>") as bus:
            await publish_on_bus(
                nats_server.url,
                sms(org, "+447700900555", "third time lucky"),
                mail(org, "nobody@example.com"),
            )
            sent = await bus.next_matching("notify.delivery.sent.v1", organisation_id=org, channel="sms")
            assert sent["attempts"] == 3 and smsbox.texts_to("+447700900555") == ["third time lucky"]
            failed = await bus.next_matching(
                "notify.delivery.failed.v1", organisation_id=org, channel="email"
            )
            assert "550" in failed["error"] and "No such user" in failed["error"] and failed["attempts"] == 1
            assert smtp.messages.items == []
    finally:
        service.stop()


async def test_unreachable_servers_are_retried_until_the_last_try(
    tmp_path, nats_server, dev_keys, mint, org, smtp: SmtpServer
):
    service = notify_process(
        tmp_path,
        nats_server.url,
        dev_keys,
        smtp,
        "http://127.0.0.1:9/cgi-bin/sendsms",
        DELIVERY_MAX_ATTEMPTS="3",
    )
    service.start()
    try:
        async with BusWatcher(nats_server.url, "notify.delivery.>") as bus:
            await publish_on_bus(nats_server.url, sms(org, "+447700900556", "nobody listens"))
            failed = await bus.next_matching("notify.delivery.failed.v1", organisation_id=org)
            assert failed["attempts"] == 3 and "gave up after 3 tries" in failed["error"]
            assert "cannot reach the SMS gateway" in failed["error"]
    finally:
        service.stop()


async def test_an_attachment_over_the_size_limit_is_replaced_by_a_note(
    tmp_path, nats_server, dev_keys, org, smtp: SmtpServer, smsbox: FakeSmsbox
):
    service = notify_process(
        tmp_path, nats_server.url, dev_keys, smtp, smsbox.url, ATTACHMENT_MAX_BYTES="1000000"
    )
    service.start()
    try:
        big = wire.Attachment(
            filename="fax-f1.tif",
            content_type="image/tiff",
            size=3_500_000,
            sha256="0" * 64,
            fetch_path="/v1/blobs/x",
        )
        command = mail(org, "alice@example.com", "Fax from +441632960777", "A fax of 40 page(s).")
        await publish_on_bus(nats_server.url, command.model_copy(update={"attachments": [big]}))
        [message] = await smtp.messages.at_least(1)
        assert list(message.iter_attachments()) == []
        body = message.get_body().get_content()
        assert "A fax of 40 page(s)." in body
        assert (
            "The attachment fax-f1.tif (3.5 MB) is larger than the 1.0 MB" in body
            and "stays in your mailbox" in body
        )
    finally:
        service.stop()


async def test_email_through_a_server_that_requires_starttls_and_a_password(
    tmp_path, nats_server, dev_keys, org, smsbox: FakeSmsbox
):
    with SecureSmtpServer(tmp_path, "notify", "s3cret") as smtp:
        settings = {
            "SMTP_SECURITY": "starttls",
            "SMTP_CA_FILE": str(smtp.cert_file),
            "SMTP_USERNAME": "notify",
        }
        # 1. With the right password the message is accepted, after STARTTLS and AUTH.
        service = notify_process(
            tmp_path, nats_server.url, dev_keys, smtp, smsbox.url, SMTP_PASSWORD="s3cret", **settings
        )
        service.start()
        try:
            await publish_on_bus(nats_server.url, mail(org, "alice@example.com", "Over TLS"))
            [message] = await smtp.messages.at_least(1)
            assert message["Subject"] == "Over TLS" and smtp.logins == ["notify"]
        finally:
            service.stop()
        # 2. With a wrong one the server refuses it for good (535): a failed delivery, not a retry loop.
        service = notify_process(
            tmp_path, nats_server.url, dev_keys, smtp, smsbox.url, SMTP_PASSWORD="wrong", **settings
        )
        service.start()
        try:
            async with BusWatcher(nats_server.url, "notify.delivery.>") as bus:
                await publish_on_bus(nats_server.url, mail(org, "bob@example.com", "Refused"))
                failed = await bus.next_matching(
                    "notify.delivery.failed.v1", organisation_id=org, to="bob@example.com"
                )
                assert "535" in failed["error"] and failed["attempts"] == 1
        finally:
            service.stop()
