"""SIGKILL of notify before and after handing a message over: never lost silently, never doubled.

Real nats-server, real notify processes killed by SIGKILL (fault injection through
``SMARTNUMBERS_NOTIFY_FAULT``, a test-only switch), a real SMTP server.
"""

from __future__ import annotations

from collections import Counter

import pytest
from smartnumbers_notify.dispatcher import FAULT_ENV

from services.mailbox.tests.e2e import publish_on_bus
from services.notify.tests.e2e import FakeSmsbox, SmtpServer, notify_process
from services.notify.tests.test_delivery import client, history, mail
from services.presence.tests.e2e import eventually

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("fault", "in_doubt"),
    [
        ("before_handover:2", 0),  # killed before the 2nd was handed over: sent after the restart
        ("after_handover:2", 1),  # the server accepted the 2nd, the outcome was not recorded
    ],
)
async def test_a_crash_around_handing_over_neither_loses_silently_nor_doubles(
    tmp_path, nats_server, dev_keys, mint, org, smtp: SmtpServer, smsbox: FakeSmsbox, fault, in_doubt
):
    serial = {"DELIVERY_CONCURRENCY": "1"}
    # 1. Notify runs with a fault: it SIGKILLs itself at that point of the 2nd delivery.
    crashing = notify_process(
        tmp_path, nats_server.url, dev_keys, smtp, smsbox.url, **serial, **{FAULT_ENV: fault}
    )
    crashing.start()
    commands = [mail(org, f"user{i}@example.com", f"Message {i}") for i in range(4)]
    await publish_on_bus(nats_server.url, *commands)
    assert crashing.wait_dead(30) != 0

    # 2. Notify starts again on the same store: it carries on.
    service = notify_process(tmp_path, nats_server.url, dev_keys, smtp, smsbox.url, **serial)
    service.start()
    try:
        async with client(service.url, mint("boss", org, "admin")) as boss:
            done = await eventually(
                lambda: history(boss),
                lambda h: len(h) == 4 and all(d["status"] in ("sent", "failed") for d in h),
            )
        # 3. Each message reached the server exactly once.
        received = Counter(m["Subject"] for m in smtp.messages.items)
        assert received == Counter(f"Message {i}" for i in range(4)), received
        # 4. The one whose outcome was lost is reported in doubt, not sent again.
        doubtful = [d for d in done if d["status"] == "failed"]
        assert len(doubtful) == in_doubt
        assert all("may have left" in d["error"] and "never sent twice" in d["error"] for d in doubtful)
    finally:
        service.stop()
