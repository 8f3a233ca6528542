"""Access tokens the directory signs (Ed25519), and the JWKS every service verifies them with."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from smartnumbers_kit.auth import ALGORITHM
from smartnumbers_kit.settings import DIRECTORY_ISSUER

PUBLIC_AUDIENCE = "smartnumbers-directory-public"
"""Public directory tokens carry this audience, so only the directory accepts them."""


class TokenIssuer:
    def __init__(self, private_key_pem: bytes, *, audience: str, access_seconds: int) -> None:
        key = serialization.load_pem_private_key(private_key_pem, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the directory's signing key must be an Ed25519 private key")
        self._key = key
        self._jwk: dict[str, Any] = OKPAlgorithm.to_jwk(key.public_key(), as_dict=True)
        self.kid = _thumbprint(self._jwk)
        self.audience = audience
        self.access_seconds = access_seconds

    def issue(
        self,
        *,
        user_id: str,
        organisation_id: str,
        role: str,
        scope: str | None = None,
        audience: str | None = None,
        ttl_seconds: int | None = None,
    ) -> str:
        now = time.time()
        # iat keeps its fraction (a NumericDate may): a token issued just after a password change
        # must not look older than the change that ended the earlier sessions.
        claims: dict[str, Any] = {
            "sub": user_id,
            "org": organisation_id,
            "role": role,
            "iss": DIRECTORY_ISSUER,
            "aud": audience or self.audience,
            "iat": round(now, 6),
            "exp": int(now) + (ttl_seconds or self.access_seconds),
        }
        if scope:
            claims["scope"] = scope
        return jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"kid": self.kid})

    def public_key(self) -> Any:
        return self._key.public_key()

    def jwks(self) -> dict[str, Any]:
        return {"keys": [{**self._jwk, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}]}


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint of an OKP key: the key id."""
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
