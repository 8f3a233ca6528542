"""A live feed never holds a stopping service: SIGTERM ends open feeds at once."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest
from smartnumbers_kit.natsserver import NatsServer
from smartnumbers_kit.serviceprocess import service_process
from smartnumbers_kit.testing import Mint

pytestmark = pytest.mark.slow


def test_sigterm_with_a_feed_open_ends_the_feed_and_the_process(
    tmp_path: Path, nats_server: NatsServer, dev_keys: tuple[Path, Path], mint: Mint
) -> None:
    # uvicorn as `make run` minus its graceful-shutdown limit: it waits for open responses for ever.
    presence = service_process(
        "presence", tmp_path, nats_server.url, dev_keys[1], tmp_path / "presence.log", SERVICE_NAME="presence"
    )
    presence.start()
    try:
        headers = {"Authorization": f"Bearer {mint('alice', 'acme')}"}
        with httpx.stream("GET", presence.url + "/v1/presence/feed", headers=headers, timeout=60) as feed:
            chunks = feed.iter_bytes()
            assert next(chunks).startswith(b": connected")
            assert presence.process is not None
            presence.process.terminate()
            try:
                presence.wait_dead(30)
            except subprocess.TimeoutExpired:
                pytest.fail("presence still waits on its open feed after SIGTERM")
            assert b"".join(chunks) == b""  # the server ended the stream
    finally:
        presence.kill()
    assert "Traceback" not in (tmp_path / "presence.log").read_text()
