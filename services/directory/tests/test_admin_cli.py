"""The admin CLI's first administrator is visible to the running directory at once (issue 11 §7).

The directory here picks up other writers' commits only once an hour
(``DIRECTORY_LOG_FOLLOW_SECONDS``), so the CLI's write reaches its read side at once only
by going through the service.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from smartnumbers_kit.natsserver import free_port

from .e2e import client, directory_process, first_login, signed_in, smartnumber

SLOW_FOLLOWER = {"DIRECTORY_LOG_FOLLOW_SECONDS": "3600"}


def admin_cli(env: dict[str, str], org: str, number: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "smartnumbers_directory.admin_cli", "create-organisation", "--org", org,
         "--name", org.title(), "--admin", "boss", "--admin-name", "Bea Boss",
         "--admin-smartnumber", number, "--admin-password", "739182"],
        env={**os.environ, **env},
        check=True,
        capture_output=True,
        text=True,
    )  # fmt: skip
    return done.stdout


async def test_the_first_administrator_is_seen_at_once_by_the_running_directory(
    tmp_path: Path, nats_server, dev_keys, mint
):
    directory = directory_process(tmp_path, nats_server.url, dev_keys, **SLOW_FOLLOWER)
    directory.start()
    try:
        for i in range(3):
            # 1. The CLI, right after: it finds the running directory by its port and goes through it.
            number = smartnumber()
            said = admin_cli({**directory.env, "DIRECTORY_PORT": str(directory.port)}, f"cli{i}", number)
            assert "through the directory" in said
            # 2. Before anything else is written, she calls in: the gateway's reverse lookup (the read
            #    side) names her.
            async with client(directory, mint("gateway", f"cli{i}", "service")) as gateway:
                r = await gateway.get("/v1/reverse-lookup", params={"number": number})
                assert r.status_code == 200 and r.json()["display_name"] == "Bea Boss", r.text
            # 3. She signs in at once and changes her password.
            assert (await signed_in(directory, number, "739182"))["must_change_password"] is True
            await first_login(directory, number, "828374")
    finally:
        directory.stop()


async def test_with_no_directory_running_the_cli_writes_the_store(tmp_path: Path, nats_server, dev_keys):
    directory = directory_process(tmp_path, nats_server.url, dev_keys)
    number = smartnumber()
    said = admin_cli({**directory.env, "DIRECTORY_PORT": str(free_port())}, "offline", number)
    assert "into the store" in said
    directory.start()
    try:
        assert (await signed_in(directory, number, "739182"))["must_change_password"] is True
    finally:
        directory.stop()


@pytest.fixture
def own_key(dev_keys: tuple[Path, Path]) -> bytes:
    """The key the module's directory signs with (``directory_env``)."""
    return dev_keys[0].read_bytes()


async def test_only_a_founding_token_signed_with_the_directorys_own_key_founds(service, mint, own_key):
    body = {
        "organisation_id": "sneaky",
        "name": "Sneaky",
        "admin_id": "boss",
        "admin_smartnumber": smartnumber(),
        "admin_password": "739182",
    }
    other_key = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )

    def founding(key: bytes, org: str = "sneaky", scope: str | None = "found-organisation") -> str:
        claims = jwt.decode(mint("directory-admin", org, "service"), options={"verify_signature": False})
        claims |= {"iss": "smartnumbers-directory"} | ({"scope": scope} if scope else {})
        return jwt.encode(claims, key, algorithm="EdDSA")

    for token, status in [
        (None, 401),  # no token
        (founding(other_key), 401),  # another key
        (founding(own_key, scope=None), 403),  # an ordinary service token
        (founding(own_key, org="other"), 403),  # for another organisation
        (mint("boss", "sneaky", "admin"), 401),  # a development token: not the directory's issuer
    ]:
        async with client(service, token) as c:
            r = await c.post("/v1/organisations", json=body)
            assert r.status_code == status, (token, r.text)
    # A founding token is no use anywhere else.
    async with client(service, founding(own_key)) as c:
        assert (await c.get("/v1/search", params={"q": "x"})).status_code == 403
        assert (
            await c.post("/v1/service/pin-checks", json={"user_id": "boss", "pin": "1"})
        ).status_code == 403
        r = await c.post("/v1/organisations", json=body)
        assert r.status_code == 201, r.text
