"""A token is checked in full once, then remembered for a while: what is remembered never outlives
the token's expiry, and a token that differs by one character is checked afresh."""

from __future__ import annotations

import pytest
from smartnumbers_kit import auth
from smartnumbers_kit.auth import TokenVerifier, Unauthenticated
from smartnumbers_kit.settings import DEV_ISSUER


def verifier(dev_keys) -> TokenVerifier:
    return TokenVerifier(dev_keys[1].read_bytes(), audience="smartnumbers", issuers=[DEV_ISSUER])


def test_a_remembered_token_is_refused_once_it_expires(dev_keys, mint, monkeypatch) -> None:
    check = verifier(dev_keys)
    token = mint("alice", "acme", ttl_seconds=30)
    assert check.verify(token).user_id == "alice"
    real_time = auth.time.time
    monkeypatch.setattr(auth.time, "time", lambda: real_time() + 31)  # within VERIFIED_FOR: remembered
    with pytest.raises(Unauthenticated, match="expired"):
        check.verify(token)


def test_a_remembered_token_is_checked_again_after_a_while(dev_keys, mint, monkeypatch) -> None:
    check = verifier(dev_keys)
    token = mint("alice", "acme")
    check.verify(token)
    real_time = auth.time.time
    calls = []
    key_for = check._key_for
    check._key_for = lambda t: calls.append(t) or key_for(t)
    check.verify(token)
    assert calls == [], "within VERIFIED_FOR the signature is not checked again"
    monkeypatch.setattr(auth.time, "time", lambda: real_time() + auth.VERIFIED_FOR + 1)
    check.verify(token)
    assert calls == [token], "after VERIFIED_FOR it is"


def test_a_token_changed_by_one_character_is_not_taken_from_memory(dev_keys, mint) -> None:
    check = verifier(dev_keys)
    token = mint("alice", "acme")
    check.verify(token)
    header, claims, signature = token.split(".")
    tampered = ".".join([header, claims, ("A" if signature[0] != "A" else "B") + signature[1:]])
    with pytest.raises(Unauthenticated, match="not valid"):
        check.verify(tampered)
