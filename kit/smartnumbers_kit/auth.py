"""Who is calling: bearer JWTs signed with Ed25519, verified with the public key.

Claims: ``sub`` (user id), ``org`` (organisation id), ``role`` (user, admin,
service, or public for a public directory token), ``iss``, ``aud``, ``iat``, ``exp``, and
optionally ``scope``. The directory service issues them and publishes its keys at
``/.well-known/jwks.json`` (``JWT_JWKS_URL``); ``smartnumbers-token mint`` makes
development tokens from a key file (``JWT_PUBLIC_KEY_FILE``).

A token whose ``scope`` is ``password-change`` (from an initial password) is refused
everywhere but the directory's password change. A user's or admin's token issued before
their sessions ended (new password, reset, signing out, removal: see ``revocation``) is
refused: 401 "your session has ended: sign in again".
"""

from __future__ import annotations

import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import jwt
from cryptography.hazmat.primitives import serialization
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import TypeAdapter, ValidationError
from smartnumbers_contracts.base import Identifier

from smartnumbers_kit.errors import DomainError, Forbidden
from smartnumbers_kit.revocation import SESSION_ENDED, Revocations

ALGORITHM = "EdDSA"
VERIFIED_FOR = 60.0
"""Seconds a token's checked signature is remembered (a key withdrawn from the JWKS is
honoured within this, as the JWKS client's own key cache already allows for five minutes)."""
VERIFIED_KEPT = 10_000
"""Tokens remembered at most (the least recently checked go first)."""
_identifier = TypeAdapter(Identifier)


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"
    SERVICE = "service"
    PUBLIC = "public"
    """A public directory token: reads what is Public in one organisation's directory."""


PASSWORD_CHANGE_SCOPE = "password-change"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


@dataclass(frozen=True)
class Principal:
    user_id: str
    organisation_id: str
    role: Role
    scope: str | None = None

    def may_act_for(self, user_id: str) -> bool:
        """A user acts on their own things; an admin or the gateway on anyone's in the organisation."""
        return self.role in (Role.ADMIN, Role.SERVICE) or self.user_id == user_id

    def require_acting_for(self, user_id: str) -> None:
        if not self.may_act_for(user_id):
            raise Forbidden(f"you may change only your own settings, not {user_id!r}'s")

    def require_admin(self) -> None:
        if self.role is not Role.ADMIN:
            raise Forbidden("only an administrator may do this")


KeyFor = Callable[[str], Any]
"""The verification key for a token (one fixed key, or the JWKS key its ``kid`` names)."""


class TokenVerifier:
    def __init__(
        self,
        public_key_pem: bytes | None = None,
        *,
        audience: str | list[str],
        issuers: list[str],
        key_for: KeyFor | None = None,
        revocations: Revocations | None = None,
    ) -> None:
        if key_for is None:
            key = serialization.load_pem_public_key(public_key_pem) if public_key_pem else None  # parsed once
            key_for = lambda _token: key  # noqa: E731
        self._key_for: KeyFor = key_for
        self._audience = audience
        self._issuers = issuers
        self.revocations = revocations
        """Users whose sessions ended; without one (tools, tests of a single service) none are."""
        self._verified: OrderedDict[str, tuple[Principal, float, float, float]] = OrderedDict()
        """Tokens whose signature and claims were checked: token → (principal, iat, exp, checked at)."""

    @classmethod
    def from_jwks_url(
        cls,
        url: str,
        *,
        audience: str | list[str],
        issuers: list[str],
        revocations: Revocations | None = None,
    ) -> TokenVerifier:
        """Keys from the directory's JWKS endpoint (fetched on first use, cached, refreshed for new kids)."""
        client = jwt.PyJWKClient(url, cache_keys=True, lifespan=300, timeout=5)
        return cls(
            audience=audience,
            issuers=issuers,
            key_for=lambda token: client.get_signing_key_from_jwt(token).key,
            revocations=revocations,
        )

    @classmethod
    def from_settings(cls, settings: Any, *, revocations: Revocations | None = None) -> TokenVerifier:
        """JWKS when ``JWT_JWKS_URL`` is set, else the public key file (development keys by default)."""
        if settings.jwt_jwks_url:
            return cls.from_jwks_url(
                settings.jwt_jwks_url,
                audience=settings.jwt_audience,
                issuers=settings.jwt_issuers,
                revocations=revocations,
            )
        return cls.from_file(
            settings.public_key_path(),
            audience=settings.jwt_audience,
            issuers=settings.jwt_issuers,
            revocations=revocations,
        )

    @classmethod
    def from_file(
        cls, path: Path, *, audience: str, issuers: list[str], revocations: Revocations | None = None
    ) -> TokenVerifier:
        if not path.exists():
            raise FileNotFoundError(
                f"no JWT public key at {path}: run `smartnumbers-token keygen` or set JWT_PUBLIC_KEY_FILE"
            )
        return cls(path.read_bytes(), audience=audience, issuers=issuers, revocations=revocations)

    def verify(self, token: str) -> Principal:
        """The token's principal; a 401 when it is not valid, has expired or its session has ended.

        A token is checked in full (signature, claims) once, then remembered for at most
        ``VERIFIED_FOR`` seconds (and never past its expiry): a client sends the same token with
        every request, and the signature check was the largest part of a write's own CPU after
        the framework's. Expiry and ended sessions are checked on every request."""
        now = time.time()
        remembered = self._verified.get(token)
        if remembered is not None and now - remembered[3] < VERIFIED_FOR:
            principal, issued_at, expires, _ = remembered
            if now >= expires:
                raise Unauthenticated("the token has expired")
        else:
            principal, issued_at, expires = self._check(token)
            self._verified[token] = (principal, issued_at, expires, now)
            while len(self._verified) > VERIFIED_KEPT:
                with contextlib.suppress(KeyError):  # another thread emptied it first
                    self._verified.popitem(last=False)
        if (
            self.revocations is not None
            and principal.role in (Role.USER, Role.ADMIN)
            and self.revocations.has_ended(principal.organisation_id, principal.user_id, issued_at)
        ):
            raise Unauthenticated(SESSION_ENDED)
        return principal

    def _check(self, token: str) -> tuple[Principal, float, float]:
        try:
            claims = jwt.decode(
                token,
                self._key_for(token),
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuers,
                options={"require": ["sub", "exp", "iss", "aud", "iat"]},
            )
            principal = Principal(
                user_id=_identifier.validate_python(claims["sub"]),
                organisation_id=_identifier.validate_python(claims["org"]),
                role=Role(claims["role"]),
                scope=claims.get("scope"),
            )
            issued_at, expires = float(claims["iat"]), float(claims["exp"])
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired") from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated("the token's issuer is not trusted here") from None
        except jwt.PyJWKClientError as e:
            raise Unauthenticated(f"the token's signing key cannot be found: {e}") from None
        except jwt.InvalidTokenError as e:
            raise Unauthenticated(f"the token is not valid: {e}") from None
        except (KeyError, ValueError, TypeError, ValidationError):
            raise Unauthenticated("the token lacks a valid org, sub or role claim") from None
        return principal, issued_at, expires


_bearer = HTTPBearer(auto_error=False)


async def any_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Whoever holds a valid token, including one that may only change its password.

    On the event loop (no thread-pool hop per request): verifying is CPU work of tens of
    microseconds with a parsed key; a JWKS verifier fetches keys only when its cache expires."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send a bearer token in the Authorization header")
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier.verify(credentials.credentials)


async def current_principal(principal: Annotated[Principal, Depends(any_principal)]) -> Principal:
    if principal.scope == PASSWORD_CHANGE_SCOPE:
        raise Forbidden("you signed in with an initial password: change your password first")
    if principal.scope is not None:
        raise Forbidden(f"this token is only for {principal.scope}")
    return principal


async def password_change_principal(principal: Annotated[Principal, Depends(any_principal)]) -> Principal:
    """Anyone signed in, including with an initial password (but no other single-purpose token)."""
    if principal.scope not in (None, PASSWORD_CHANGE_SCOPE):
        raise Forbidden(f"this token is only for {principal.scope}")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
PasswordChangePrincipal = Annotated[Principal, Depends(password_change_principal)]
