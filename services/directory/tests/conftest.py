from __future__ import annotations

from collections.abc import Iterator

import pytest
from smartnumbers_directory.application import DirectoryApplication
from smartnumbers_directory.domain.user import Role
from smartnumbers_directory.hashing import Argon2Hasher
from smartnumbers_directory.settings import DirectorySettings
from smartnumbers_kit.auth import Principal
from smartnumbers_kit.auth import Role as TokenRole
from smartnumbers_kit.serviceprocess import ServiceProcess
from smartnumbers_kit.store import persistence_env

from .e2e import directory_process

FAST_HASHER = Argon2Hasher(time_cost=1, memory_cost_kib=1024)
"""Real argon2, at a cost low enough for tests (production: DIRECTORY_ARGON2_* settings)."""


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, nats_server, dev_keys) -> Iterator[ServiceProcess]:
    """A directory process of the test module's own, on the session's nats-server."""
    process = directory_process(tmp_path_factory.mktemp("directory"), nats_server.url, dev_keys)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def directory(persistence: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[DirectoryApplication]:
    """The directory application on a fresh store, SQLite and PostgreSQL in turn."""
    for name, value in persistence.items():
        monkeypatch.setenv(name, value)
    app = DirectoryApplication(persistence_env(DirectorySettings(), "directory"), hasher=FAST_HASHER)
    try:
        yield app
    finally:
        app.close()


def as_user(user: str, org: str = "acme", role: str = "user") -> Principal:
    return Principal(user, org, TokenRole(role))


def organisation(app: DirectoryApplication, org: str, *users: str, country: str = "GB") -> None:
    """An organisation and its users (each with password 739182, smartnumber from a counter)."""
    app.configure_organisation(org, org.title(), country)
    for i, user in enumerate(users):
        app.create_user(
            org,
            user,
            {"display_name": user.title(), "sms_number": f"07700 9{abs(hash(org)) % 100:02d}{i:03d}"},
            Role.ADMIN if user.startswith("admin") else Role.USER,
            "739182",
        )
