"""Development SMS (``make run`` without Kannel): each SMS is a JSON file under var/sms/."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from smartnumbers_notify.domain.delivery import Delivery
from smartnumbers_notify.sms_gateway import SmsFiles


async def test_each_sms_is_written_as_a_file_after_the_claim(tmp_path):
    delivery = Delivery(
        "acme", "boss", "c1", "sms", "+447700900123", "group_sms", {"text": "Fire drill"}, datetime.now(UTC)
    )
    claimed: list[bool] = []

    async def claim() -> None:
        assert not list(tmp_path.glob("sms/*.json")), "written before the delivery was claimed"
        claimed.append(True)

    answer = await SmsFiles(tmp_path / "sms").send(delivery, claim)
    [written] = list((tmp_path / "sms").glob("*.json"))
    assert claimed == [True] and str(written) in answer
    assert json.loads(written.read_text()) == {"to": "+447700900123", "text": "Fire drill", "channel": "sms"}
