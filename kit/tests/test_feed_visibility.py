"""A feed's declared visibility: what a reader not entitled to everything receives of each event."""

from __future__ import annotations

from smartnumbers_kit.feed import Visibility

SEEN = Visibility(sent={"d.user.moved.v1": frozenset({"number"}), "d.user.away.v1": frozenset()})


def test_a_redacted_field_is_removed_and_the_rest_is_kept():
    moved = {"user_id": "alice", "location": "home", "number": "+441632960999"}
    assert SEEN.seen("d.user.moved.v1", moved) == {"user_id": "alice", "location": "home"}
    assert moved["number"] == "+441632960999"  # the event itself is untouched


def test_an_event_declared_whole_is_sent_as_it_is():
    away = {"user_id": "alice", "availability": "voicemail"}
    assert SEEN.seen("d.user.away.v1", away) is away


def test_an_undeclared_event_is_not_sent():
    assert SEEN.seen("d.user.numbers_changed.v1", {"numbers": {"home": "+441632960999"}}) is None
    assert Visibility().seen("d.user.away.v1", {}) is None
