from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from services.notify.tests.e2e import FakeSmsbox, SmtpServer


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
