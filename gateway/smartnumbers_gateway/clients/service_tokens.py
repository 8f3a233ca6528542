"""The gateway acts as ``service`` for callers and PIN-signed-in users: short-lived tokens, per organisation.

It signs them itself with ``GATEWAY_SIGNING_KEY_FILE`` (in development the key ``make run``
makes; in production the directory's signing key, issuer ``smartnumbers-directory``, so the
services that verify through the directory's JWKS find it under the same ``kid``). The
gateway is trusted to act for any caller: that is its role.
"""

from __future__ import annotations

import time
from pathlib import Path

from smartnumbers_kit.tokens import key_id, mint

TTL_SECONDS = 300


class ServiceTokens:
    def __init__(self, private_key_file: Path, issuer: str) -> None:
        self._key = private_key_file.read_bytes()
        self._issuer = issuer
        self._kid = key_id(self._key)
        self._cache: dict[str, tuple[float, str]] = {}

    def for_organisation(self, organisation_id: str) -> str:
        expires, token = self._cache.get(organisation_id, (0.0, ""))
        if time.time() > expires - 60:
            token = mint(
                self._key,
                user="gateway",
                org=organisation_id,
                role="service",
                ttl_seconds=TTL_SECONDS,
                issuer=self._issuer,
                kid=self._kid,
            )
            self._cache[organisation_id] = (time.time() + TTL_SECONDS, token)
        return token
