"""The real-Asterisk stories' fixtures (real_platform.py): one ``make run`` for them all."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from gateway.tests.real_asterisk.real_platform import ASTERISK, Platform, start
from gateway.tests.real_asterisk.watching import Ami, Bus


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    if not ASTERISK:
        pytest.skip("needs a real Asterisk: set ASTERISK_BIN=/path/to/sbin/asterisk")
    yield from start(tmp_path_factory.mktemp("real-asterisk"))


@pytest.fixture
async def ami(platform: Platform) -> AsyncIterator[Ami]:
    """An AMI session as the gateway's user (what the gateway may do and see)."""
    session = await Ami.login(platform)
    yield session
    await session.close()


@pytest.fixture
async def observer(platform: Platform) -> AsyncIterator[Ami]:
    """An AMI session that sees every event (AGIExecStart, Newexten, MusicOnHoldStart…)."""
    session = await Ami.login(platform, observer=True)
    yield session
    await session.close()


@pytest.fixture
async def bus(platform: Platform) -> AsyncIterator[Bus]:
    async with Bus(platform.nats_url()) as watching:
        yield watching
