"""SMS through Kannel's smsbox ``sendsms`` HTTP interface (Kannel speaks SMPP/UCP to the
carrier, so a carrier is configuration, not code), or into files in development."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx

from smartnumbers_notify.domain.delivery import Delivery
from smartnumbers_notify.domain.sms_text import is_gsm, parts_needed
from smartnumbers_notify.sending import Claim, Permanent, Transient
from smartnumbers_notify.settings import NotifySettings


class KannelSms:
    def __init__(self, settings: NotifySettings) -> None:
        self.settings = settings
        self.client = httpx.AsyncClient(timeout=30)

    async def send(self, delivery: Delivery, claim: Claim) -> str:
        text = delivery.content["text"]
        s = self.settings
        params = {
            "username": s.kannel_username,
            "password": s.kannel_password,
            "from": s.sms_from,
            "to": delivery.to,
            "text": text,
            "charset": "UTF-8",
            "coding": "0" if is_gsm(text) else "2",
            "max-messages": str(parts_needed(text)),
        }
        await claim()
        try:
            response = await self.client.get(s.kannel_sendsms_url, params=params)
        except httpx.HTTPError as e:
            raise Transient(f"cannot reach the SMS gateway ({e})") from None
        answer = response.text.strip()
        if response.status_code in (200, 202):
            return answer
        if response.status_code >= 500:
            raise Transient(f"the SMS gateway answered {response.status_code} {answer}")
        raise Permanent(f"the SMS gateway refused it: {response.status_code} {answer}")

    async def close(self) -> None:
        await self.client.aclose()


class SmsFiles:
    """Development: each SMS is a JSON file under ``var/sms/`` instead of leaving."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def send(self, delivery: Delivery, claim: Claim) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        await claim()
        now = datetime.now(UTC)
        path = self.directory / f"{now:%Y%m%dT%H%M%S.%f}-{delivery.id}.json"
        record = {"to": delivery.to, "text": delivery.content["text"], "channel": delivery.channel}
        path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n")
        return f"written to {path}"

    async def close(self) -> None:
        return None
