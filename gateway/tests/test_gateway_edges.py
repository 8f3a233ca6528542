"""The gateway's REST edge when what it needs is missing (issue 11 §4, §5)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from smartnumbers_gateway.bootstrap import bootstrap

from gateway.tests.gateway_app import gateway_in_process


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/voicemail-calls", {"to": ["user:bob"]}),
        ("/v1/recordings", {"greeting": "permanent"}),
        ("/v1/click-to-dial", {"to": "07700 900555"}),
        ("/v1/message-alert-calls", {}),
    ],
)
async def test_a_service_the_gateway_cannot_reach_is_a_503_that_says_so(
    monkeypatch, tmp_path, nats_server, dev_keys, mint, path, body
):
    """Presence is not running (nothing listens at PRESENCE_URL): 503 with a message, not 500."""
    async with gateway_in_process(monkeypatch, tmp_path, nats_server.url, dev_keys) as gateway:
        r = await gateway.client.post(
            path, json=body, headers={"Authorization": f"Bearer {mint('adam', 'acme')}"}
        )
        originated = [a for a in gateway.fake_ami.actions if a.get("Action") == "Originate"]
    assert r.status_code == 503, r.text
    assert r.json()["error"] == "unavailable"
    assert "cannot be reached just now" in r.json()["detail"]
    assert not originated


PRODUCTION = {
    "ENVIRONMENT": "production",
    "JWT_ISSUERS": '["smartnumbers-directory"]',
    "JWT_JWKS_URL": "http://directory:8104/.well-known/jwks.json",
}


@pytest.mark.parametrize(
    ("env", "refused"),
    [
        ({}, "GATEWAY_TOKEN_ISSUER"),
        ({"GATEWAY_TOKEN_ISSUER": "smartnumbers-directory"}, "GATEWAY_SIGNING_KEY_FILE"),
        (
            {
                "GATEWAY_TOKEN_ISSUER": "smartnumbers-directory",
                "GATEWAY_SIGNING_KEY_FILE": "/run/secrets/dev-keys/jwt-private.pem",
            },
            "GATEWAY_SIGNING_KEY_FILE",
        ),
        ({"GATEWAY_SIGNING_KEY_FILE": "/run/secrets/directory-signing.pem"}, "GATEWAY_TOKEN_ISSUER"),
    ],
)
def test_production_refuses_to_start_with_development_signing(monkeypatch, env, refused):
    for name, value in {**PRODUCTION, **env}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=refused):
        bootstrap()


def test_production_starts_with_the_directory_s_key_and_issuer(monkeypatch):
    for name, value in {
        **PRODUCTION,
        "GATEWAY_TOKEN_ISSUER": "smartnumbers-directory",
        "GATEWAY_SIGNING_KEY_FILE": "/run/secrets/directory-signing.pem",
    }.items():
        monkeypatch.setenv(name, value)
    assert bootstrap().title == "smartnumbers gateway"
