"""Ended sessions, as every service applies them: a user's token issued before the end is refused.

A real nats-server; the verifier is the one every service uses.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import nats
import pytest
from smartnumbers_contracts import directory as wire
from smartnumbers_kit import bus
from smartnumbers_kit.auth import TokenVerifier, Unauthenticated
from smartnumbers_kit.revocation import SESSION_ENDED, Revocations
from smartnumbers_kit.settings import DEV_ISSUER


def ended(org: str, user: str, at: datetime) -> wire.UserSessionsEnded:
    return wire.UserSessionsEnded(
        event_id=uuid.uuid4(),
        organisation_id=org,
        occurred_at=at,
        user_id=user,
        ended_at=at,
        reason=wire.SessionsEndedBecause.PASSWORD_CHANGED,
    )


def verifier(dev_keys, revocations: Revocations) -> TokenVerifier:
    return TokenVerifier(
        dev_keys[1].read_bytes(), audience="smartnumbers", issuers=[DEV_ISSUER], revocations=revocations
    )


async def test_a_token_issued_before_the_end_is_refused_one_issued_after_is_not(nats_server, dev_keys, mint):
    org = f"org-{uuid.uuid4().hex[:8]}"
    before = mint("alice", org)
    bystander = mint("bob", org)
    gateway = mint("gateway", org, "service")
    nc = await nats.connect(nats_server.url)
    js = nc.jetstream()
    await bus.ensure_stream(js, "directory")
    # 1. Alice's sessions ended (published before this service even started: it replays).
    await js.publish(wire.UserSessionsEnded.subject, ended(org, "alice", datetime.now(UTC)).to_bytes())
    revocations = Revocations()
    await revocations.follow(nc, js)
    check = verifier(dev_keys, revocations)
    try:
        async with asyncio.timeout(5):
            await revocations.until_ended(org, "alice")
        # 2. Her earlier token is refused; a token issued a moment later is not (iat keeps its fraction).
        with pytest.raises(Unauthenticated) as refused:
            check.verify(before)
        assert refused.value.message == SESSION_ENDED
        assert check.verify(mint("alice", org)).user_id == "alice"
        # 3. Nobody else is touched, nor the organisation's service token.
        assert check.verify(bystander).user_id == "bob"
        assert check.verify(gateway).user_id == "gateway"
        # 4. Bob is removed while the service runs: his token is refused from then on.
        removed = wire.UserRemoved(
            event_id=uuid.uuid4(), organisation_id=org, occurred_at=datetime.now(UTC), user_id="bob"
        )
        await js.publish(removed.subject, removed.to_bytes())
        async with asyncio.timeout(5):
            await revocations.until_ended(org, "bob")
        with pytest.raises(Unauthenticated):
            check.verify(bystander)
    finally:
        await revocations.stop()
        await nc.close()


def test_a_token_without_iat_is_refused(dev_keys) -> None:
    claims = {"sub": "alice", "org": "acme", "role": "user", "iss": DEV_ISSUER, "aud": "smartnumbers"}
    claims["exp"] = int(time.time() + timedelta(minutes=5).total_seconds())
    token = jwt.encode(claims, dev_keys[0].read_bytes(), algorithm="EdDSA")
    with pytest.raises(Unauthenticated, match="iat"):
        verifier(dev_keys, Revocations()).verify(token)
