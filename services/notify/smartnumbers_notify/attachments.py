"""Email attachments, fetched from the mailbox with notify's own short-lived service token."""

from __future__ import annotations

from typing import Any

import httpx

from smartnumbers_notify.sending import Permanent, Transient
from smartnumbers_notify.service_tokens import ServiceTokens


class AttachmentSource:
    def __init__(self, base_url: str, tokens: ServiceTokens) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens

    async def fetch(self, organisation_id: str, attachment: dict[str, Any]) -> bytes:
        url = self.base_url + attachment["fetch_path"]
        token = self.tokens.for_organisation(organisation_id)
        try:
            async with httpx.AsyncClient(timeout=30) as client:
                response = await client.get(url, headers={"Authorization": f"Bearer {token}"})
        except httpx.HTTPError as e:
            raise Transient(f"cannot fetch {attachment['filename']} from the mailbox ({e})") from None
        if response.status_code == 404:
            raise Permanent(f"the mailbox no longer has {attachment['filename']}")
        if response.status_code != 200:
            raise Transient(f"the mailbox answered {response.status_code} for {attachment['filename']}")
        return response.content
