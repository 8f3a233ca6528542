from __future__ import annotations

from collections.abc import Iterator

import pytest
from smartnumbers_kit.store import persistence_env
from smartnumbers_presence.application import PresenceApplication
from smartnumbers_presence.settings import PresenceSettings


@pytest.fixture
def presence(persistence: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[PresenceApplication]:
    """The presence application on a fresh store, SQLite and PostgreSQL in turn."""
    for name, value in persistence.items():
        monkeypatch.setenv(name, value)
    app = PresenceApplication(persistence_env(PresenceSettings(), "presence"))
    try:
        yield app
    finally:
        app.close()
