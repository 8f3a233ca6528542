"""Tokens the directory signs are what every service accepts; development tokens are not, in production."""

from __future__ import annotations

import json

import jwt

from services.presence.tests.e2e import eventually, presence_process

from .e2e import client, create_organisation, directory_process, new_user, signed_in, smartnumber

PRODUCTION = {"ENVIRONMENT": "production", "JWT_ISSUERS": json.dumps(["smartnumbers-directory"])}


async def test_presence_accepts_directory_tokens_via_jwks_and_refuses_development_ones(
    tmp_path, nats_server, dev_keys, mint
):
    directory = directory_process(tmp_path, nats_server.url, dev_keys, **PRODUCTION)
    directory.start()
    presence = presence_process(
        tmp_path,
        nats_server.url,
        tmp_path / "no-key-file.pem",
        JWT_JWKS_URL=f"{directory.url}/.well-known/jwks.json",
        **PRODUCTION,
    )
    presence.start()
    try:
        # 1. The administrator signs in to the directory and changes her initial password.
        number = create_organisation(directory, "acme", "boss")
        initial = (await signed_in(directory, number, "739182"))["access_token"]
        async with client(directory, initial) as boss:
            r = await boss.put(
                "/v1/users/me/password",
                json={"old_password": "739182", "new_password": "828374", "confirm_password": "828374"},
            )
            token = r.json()["access_token"]
        # 2. She creates Alice; presence hears of her from the directory's events.
        async with client(directory, token) as boss:
            alice_number = smartnumber()
            await new_user(boss, "alice", smartnumber=alice_number)
            public = (await boss.post("/v1/public-tokens")).json()["access_token"]
        async with client(presence, token) as boss:
            r = await eventually(lambda: boss.get("/v1/users/alice/presence"), lambda r: r.status_code == 200)
            assert r.json()["display_name"] == "Alice"
        # 3. A development token is refused by both services running with production settings, even
        #    one signed with the very key the directory uses and naming its key id: by its issuer.
        async with client(directory) as anonymous:
            kid = (await anonymous.get("/.well-known/jwks.json")).json()["keys"][0]["kid"]
        claims = jwt.decode(mint("boss", "acme", "admin"), options={"verify_signature": False})
        assert claims["iss"] == "smartnumbers-dev"
        dev_token = jwt.encode(claims, dev_keys[0].read_bytes(), algorithm="EdDSA", headers={"kid": kid})
        for service in (presence, directory):
            async with client(service, dev_token) as dev:
                r = await dev.get("/v1/users/alice/presence" if service is presence else "/v1/users/alice")
                assert r.status_code == 401 and "issuer is not trusted" in r.json()["detail"], r.text
        # 4. An initial password's token and a public directory token are no use to presence. (The
        #    administrator's own initial token ended with her password change: 401, tested elsewhere.)
        alice_initial = (await signed_in(directory, alice_number, "739182"))["access_token"]
        async with client(presence, alice_initial) as c:
            assert (await c.get("/v1/users/alice/presence")).status_code == 403
        async with client(presence, public) as c:
            assert (await c.get("/v1/users/alice/presence")).status_code == 401
    finally:
        presence.stop()
        directory.stop()
