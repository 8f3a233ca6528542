"""Who is calling: bearer JWTs signed with Ed25519, verified with the public key.

Claims: ``sub`` (user id), ``org`` (organisation id), ``role`` (user, admin or
service), ``iss``, ``aud``, ``exp``. The directory service issues them (issue 3);
until then ``smartnumbers-token mint`` does, from a development key.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from smartnumbers_contracts.base import Identifier
from smartnumbers_kit.errors import DomainError, Forbidden
from pydantic import TypeAdapter, ValidationError

ALGORITHM = "EdDSA"
_identifier = TypeAdapter(Identifier)


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"
    SERVICE = "service"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


@dataclass(frozen=True)
class Principal:
    user_id: str
    organisation_id: str
    role: Role

    def may_act_for(self, user_id: str) -> bool:
        """A user acts on their own things; an admin or the gateway on anyone's in the organisation."""
        return self.role in (Role.ADMIN, Role.SERVICE) or self.user_id == user_id

    def require_acting_for(self, user_id: str) -> None:
        if not self.may_act_for(user_id):
            raise Forbidden(f"you may change only your own settings, not {user_id!r}'s")

    def require_admin(self) -> None:
        if self.role is not Role.ADMIN:
            raise Forbidden("only an administrator may do this")


class TokenVerifier:
    def __init__(self, public_key_pem: bytes, *, audience: str, issuers: list[str]) -> None:
        self._key = public_key_pem
        self._audience = audience
        self._issuers = issuers

    @classmethod
    def from_file(cls, path: Path, *, audience: str, issuers: list[str]) -> TokenVerifier:
        if not path.exists():
            raise FileNotFoundError(
                f"no JWT public key at {path}: run `smartnumbers-token keygen` or set JWT_PUBLIC_KEY_FILE"
            )
        return cls(path.read_bytes(), audience=audience, issuers=issuers)

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuers,
                options={"require": ["sub", "exp", "iss", "aud"]},
            )
            return Principal(
                user_id=_identifier.validate_python(claims["sub"]),
                organisation_id=_identifier.validate_python(claims["org"]),
                role=Role(claims["role"]),
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired") from None
        except jwt.InvalidIssuerError:
            raise Unauthenticated("the token's issuer is not trusted here") from None
        except jwt.InvalidTokenError as e:
            raise Unauthenticated(f"the token is not valid: {e}") from None
        except (KeyError, ValueError, ValidationError):
            raise Unauthenticated("the token lacks a valid org, sub or role claim") from None


_bearer = HTTPBearer(auto_error=False)


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated("send a bearer token in the Authorization header")
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier.verify(credentials.credentials)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
