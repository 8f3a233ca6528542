"""SMS through a real Kannel: notify → smsbox sendsms → bearerbox → the SMSC (fakesmsc)."""

from __future__ import annotations

from services.mailbox.tests.e2e import publish_on_bus
from services.notify.tests.e2e import SmtpServer, notify_process
from services.notify.tests.test_delivery import sms
from services.presence.tests.e2e import BusWatcher


async def test_an_sms_reaches_the_smsc_through_kannel_and_a_wrong_account_is_a_failure(
    tmp_path, nats_server, dev_keys, org, smtp: SmtpServer, kannel
):
    gateway, smsc = kannel
    account = {"KANNEL_USERNAME": gateway.username, "KANNEL_PASSWORD": gateway.password}
    service = notify_process(tmp_path, nats_server.url, dev_keys, smtp, gateway.sendsms_url)
    service.env |= account
    service.start()
    try:
        async with BusWatcher(nats_server.url, "notify.delivery.>") as bus:
            # 1. A GSM text and one that needs UCS-2 (Kannel is told the coding) reach the SMSC.
            await publish_on_bus(
                nats_server.url,
                sms(org, "07700 900777", "Fire drill at 3"),
                sms(org, "07700 900778", "Grüße 😀"),
            )
            received = await smsc.received.at_least(2)
            by_number = {m["to"]: m for m in received}
            assert by_number["+447700900777"]["body"] == "Fire drill at 3"
            assert by_number["+447700900778"]["kind"] == "ucs-2"
            assert by_number["+447700900778"]["body"] == "Grüße 😀"
            assert by_number["+447700900777"]["sender"] == "smartnumbers"
            sent = await bus.next_matching("notify.delivery.sent.v1", organisation_id=org, to="+447700900777")
            assert sent["attempts"] == 1

            # 2. A text of 250 characters leaves as one request; Kannel splits it into two
            #    concatenated parts (UDH), which the handset joins.
            long = "Fire drill at 3pm. " * 13
            await publish_on_bus(nats_server.url, sms(org, "07700 900780", long[:250]))
            received = await smsc.received.wait_for(lambda m: sum(x["to"] == "+447700900780" for x in m) == 2)
            parts = sorted((m for m in received if m["to"] == "+447700900780"), key=lambda m: m["part"])
            assert [m["part"] for m in parts] == ["1/2", "2/2"]
            assert "".join(m["body"] for m in parts) == long[:250]
    finally:
        service.stop()

    # 3. With a wrong password Kannel refuses: a permanent failure, said as Kannel said it.
    service.env |= {"KANNEL_PASSWORD": "wrong"}
    service.start()
    try:
        async with BusWatcher(nats_server.url, "notify.delivery.>") as bus:
            await publish_on_bus(nats_server.url, sms(org, "07700 900779", "nope"))
            failed = await bus.next_matching(
                "notify.delivery.failed.v1", organisation_id=org, to="+447700900779"
            )
            assert "Authorization failed" in failed["error"] and "403" in failed["error"]
    finally:
        service.stop()
