from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from smartnumbers_kit.store import persistence_env
from smartnumbers_notify.application import NotifyApplication
from smartnumbers_notify.domain.sms_limits import SmsLimits
from smartnumbers_notify.kannel import Kannel, find_bearerbox, find_fakesmsc
from smartnumbers_notify.settings import NotifySettings

from services.notify.tests.e2e import FakeSmsbox, FakeSmscOutput, SmtpServer


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def smsbox() -> Iterator[FakeSmsbox]:
    with FakeSmsbox() as box:
        yield box


@pytest.fixture
def org() -> str:
    return f"org-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def kannel(tmp_path) -> Iterator[tuple[Kannel, FakeSmscOutput]]:
    """A real Kannel (bearerbox + smsbox) with fakesmsc as its SMSC; skipped where Kannel is not installed."""
    bearerbox, fakesmsc = find_bearerbox(), find_fakesmsc()
    if bearerbox is None or fakesmsc is None:
        pytest.skip(
            "Kannel is not installed (apt-get install kannel kannel-extras; make install does it as root)"
        )
    output = FakeSmscOutput()
    gateway = Kannel(tmp_path / "kannel", bearerbox)
    gateway.start(output.write_end)
    os.close(output.write_end)
    output.follow()
    try:
        yield gateway, output
    finally:
        gateway.stop()


@pytest.fixture
def notify_app(persistence: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[NotifyApplication]:
    """The notify application on a fresh store, SQLite and PostgreSQL in turn."""
    for name, value in persistence.items():
        monkeypatch.setenv(name, value)
    app = NotifyApplication(
        persistence_env(NotifySettings(), "notify"),
        clock=lambda: datetime(2026, 11, 29, 9, 0, tzinfo=UTC),
        limits=SmsLimits(per_user=2, per_organisation=100),
    )
    try:
        yield app
    finally:
        app.close()
