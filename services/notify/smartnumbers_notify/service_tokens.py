"""Notify's own short-lived ``service`` tokens, one per organisation (fetching attachments from the
mailbox, call records from routing). Signed with ``NOTIFY_SIGNING_KEY_FILE``: in production the
directory's key and issuer, so every service verifies them through the directory's JWKS."""

from __future__ import annotations

import time
from pathlib import Path

from smartnumbers_kit.tokens import key_id, mint

TTL_SECONDS = 300


class ServiceTokens:
    def __init__(self, private_key_file: Path, issuer: str) -> None:
        self._key_file = private_key_file
        self._issuer = issuer
        self._cache: dict[str, tuple[float, str]] = {}

    def for_organisation(self, organisation_id: str) -> str:
        expires, token = self._cache.get(organisation_id, (0.0, ""))
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
            self._cache[organisation_id] = (time.time() + TTL_SECONDS, token)
        return token
