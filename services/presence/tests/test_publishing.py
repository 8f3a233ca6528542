"""Every stored event of presence is either published (mapped to a contract) or declared private."""

from __future__ import annotations

from smartnumbers_kit.publishing import domain_events
from smartnumbers_presence.publishing import PRIVATE, PUBLISHED


def test_every_domain_event_is_mapped_to_a_contract_or_declared_private():
    events = domain_events("smartnumbers_presence.domain")
    assert not set(PUBLISHED) & PRIVATE, "an event is either published or private, not both"
    unaccounted = sorted(e.__qualname__ for e in events - set(PUBLISHED) - PRIVATE)
    assert not unaccounted, f"map these to contracts in publishing.py, or list them as PRIVATE: {unaccounted}"
    assert set(PUBLISHED) | PRIVATE <= events, "publishing.py names an event the domain no longer has"
