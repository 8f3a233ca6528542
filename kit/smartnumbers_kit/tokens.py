"""Development tokens: ``smartnumbers-token keygen`` and ``smartnumbers-token mint``.

Tokens minted here carry the issuer ``smartnumbers-dev``, which production settings
refuse. Tests use the same functions.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

from smartnumbers_kit.auth import ALGORITHM
from smartnumbers_kit.private import write_private
from smartnumbers_kit.settings import DEV_ISSUER

DEFAULT_DIR = Path("var/dev-keys")


def generate_keypair(directory: Path) -> tuple[Path, Path]:
    """Write ``jwt-private.pem`` (0600 from the start) and ``jwt-public.pem`` unless they exist;
    return their paths."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_path, public_path = directory / "jwt-private.pem", directory / "jwt-public.pem"
    if not private_path.exists():
        key = Ed25519PrivateKey.generate()
        write_private(
            private_path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
        )
        public_path.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return private_path, public_path


def key_id(private_key_pem: bytes) -> str:
    """The RFC 7638 thumbprint of the key's public half: the ``kid`` a JWKS lists it under."""
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    jwk = OKPAlgorithm.to_jwk(key.public_key(), as_dict=True)  # type: ignore[call-overload]
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def mint(
    private_key_pem: bytes,
    *,
    user: str,
    org: str,
    role: str = "user",
    ttl_seconds: int = 3600,
    issuer: str = DEV_ISSUER,
    audience: str = "smartnumbers",
    kid: str | None = None,
) -> str:
    now = time.time()  # iat keeps its fraction, as the directory's tokens do
    claims = {
        "sub": user,
        "org": org,
        "role": role,
        "iss": issuer,
        "aud": audience,
        "iat": round(now, 6),
        "exp": int(now) + ttl_seconds,
    }
    return jwt.encode(claims, private_key_pem, algorithm=ALGORITHM, headers={"kid": kid} if kid else None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="smartnumbers-token", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    keygen = commands.add_parser("keygen", help="create the development key pair")
    keygen.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    minting = commands.add_parser("mint", help="print a development token")
    minting.add_argument("--user", required=True)
    minting.add_argument("--org", required=True)
    minting.add_argument("--role", choices=["user", "admin", "service"], default="user")
    minting.add_argument("--ttl", type=int, default=8 * 3600, help="seconds")
    minting.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args(argv)
    private_path, public_path = generate_keypair(args.dir)
    if args.command == "keygen":
        print(public_path)
        return
    sys.stdout.write(
        mint(private_path.read_bytes(), user=args.user, org=args.org, role=args.role, ttl_seconds=args.ttl)
        + "\n"
    )


if __name__ == "__main__":
    main()
