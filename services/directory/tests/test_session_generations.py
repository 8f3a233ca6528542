"""Refresh tokens belong to a generation of the user's sessions (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from smartnumbers_contracts import directory as wire
from smartnumbers_kit.auth import Unauthenticated
from smartnumbers_kit.errors import Invalid

from .conftest import organisation
from .test_application import published

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MONTH = timedelta(days=30)


def test_each_way_a_session_ends_refuses_the_refresh_tokens_taken_before(directory):
    organisation(directory, "acme", "admin", "alice")
    directory.change_password("acme", "alice", "828374", "828374", old="739182", now=NOW)
    # 1. A new password: the session opened before no longer refreshes; one opened after does.
    before = directory.open_session("acme", "alice", NOW, MONTH)
    directory.change_password("acme", "alice", "646372", "646372", old="828374", now=NOW)
    with pytest.raises(Unauthenticated, match="sign in again"):
        directory.refresh(before, NOW)
    after = directory.open_session("acme", "alice", NOW, MONTH)
    assert directory.refresh(after, NOW).user_id == "alice"
    # 2. Signing out on one device ends the others too.
    other_device = directory.open_session("acme", "alice", NOW, MONTH)
    directory.sign_out(after, "acme", "alice")
    for token in (after, other_device):
        with pytest.raises(Unauthenticated):
            directory.refresh(token, NOW)
    # 3. An administrator's reset, then removal.
    third = directory.open_session("acme", "alice", NOW, MONTH)
    directory.reset_password("acme", "alice", "535261")
    with pytest.raises(Unauthenticated):
        directory.refresh(third, NOW)
    directory.change_password("acme", "alice", "919283", "919283", old="535261", now=NOW)
    fourth = directory.open_session("acme", "alice", NOW, MONTH)
    directory.remove_user("acme", "alice")
    with pytest.raises(Unauthenticated):
        directory.refresh(fourth, NOW)
    # 4. Each end is on the bus, with its reason, for every service to refuse the access tokens.
    reasons = [c.reason for c in published(directory) if isinstance(c, wire.UserSessionsEnded)]
    assert reasons == ["password_changed"] * 2 + ["signed_out", "password_reset", "password_changed"]
    assert any(isinstance(c, wire.UserRemoved) for c in published(directory))


def test_one_may_sign_out_only_with_ones_own_refresh_token(directory):
    organisation(directory, "acme", "alice", "bob")
    for user in ("alice", "bob"):
        directory.change_password("acme", user, "828374", "828374", old="739182", now=NOW)
    bobs = directory.open_session("acme", "bob", NOW, MONTH)
    with pytest.raises(Invalid, match="not one of your sessions"):
        directory.sign_out(bobs, "acme", "alice")
    assert directory.refresh(bobs, NOW).user_id == "bob"
