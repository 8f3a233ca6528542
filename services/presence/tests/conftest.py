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


def enrol(app: PresenceApplication, org: str, *users: str, country: str = "GB") -> None:
    """What the directory's events do: the organisation and its users exist."""
    app.save(*app.organisation_configured(org, org.title(), country))
    for user in users:
        app.save(*app.user_created(org, user, user.title()))
