"""Email attachments, fetched from the mailbox with notify's own short-lived service token."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
from smartnumbers_kit.tokens import key_id, mint

from smartnumbers_notify.sending import Permanent, Transient

TTL_SECONDS = 300


class AttachmentSource:
    def __init__(self, base_url: str, signing_key_file: Path, issuer: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._key_file = signing_key_file
        self._issuer = issuer
        self._tokens: dict[str, tuple[float, str]] = {}

    def _token(self, organisation_id: str) -> str:
        expires, token = self._tokens.get(organisation_id, (0.0, ""))
        if time.time() > expires - 60:
            key = self._key_file.read_bytes()
            token = mint(
                key,
                user="notify",
                org=organisation_id,
                role="service",
                ttl_seconds=TTL_SECONDS,
                issuer=self._issuer,
                kid=key_id(key),
            )
            self._tokens[organisation_id] = (time.time() + TTL_SECONDS, token)
        return token

    async def fetch(self, organisation_id: str, attachment: dict[str, Any]) -> bytes:
        url = self.base_url + attachment["fetch_path"]
        try:
            async with httpx.AsyncClient(timeout=30) as client:
                response = await client.get(
                    url, headers={"Authorization": f"Bearer {self._token(organisation_id)}"}
                )
        except httpx.HTTPError as e:
            raise Transient(f"cannot fetch {attachment['filename']} from the mailbox ({e})") from None
        if response.status_code == 404:
            raise Permanent(f"the mailbox no longer has {attachment['filename']}")
        if response.status_code != 200:
            raise Transient(f"the mailbox answered {response.status_code} for {attachment['filename']}")
        return response.content
