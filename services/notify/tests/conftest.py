from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from smartnumbers_notify.kannel import Kannel, find_bearerbox, find_fakesmsc

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
