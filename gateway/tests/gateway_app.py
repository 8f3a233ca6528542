"""The gateway in this process (its real bootstrap and lifespan) on a real nats-server, with a
FAKE Asterisk's AMI: for tests of its REST edge that need no other service running."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from asgi_lifespan import LifespanManager
from smartnumbers_gateway.bootstrap import bootstrap
from smartnumbers_gateway.settings import GatewaySettings
from smartnumbers_kit.natsserver import free_port

from gateway.tests.fake_ami import FakeAmi


def unreachable_url() -> str:
    """An address where nothing listens (a port just found free)."""
    return f"http://127.0.0.1:{free_port()}"


@asynccontextmanager
async def gateway_in_process(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    nats_url: str,
    dev_keys: tuple[Path, Path],
    fake_ami: FakeAmi | None = None,
    **env: str,
) -> AsyncIterator[SimpleNamespace]:
    fake_ami = fake_ami or FakeAmi()
    ami_port = await fake_ami.start()
    dead = unreachable_url()
    settings_env = {
        "NATS_URL": nats_url,
        "FASTAGI_PORT": str(free_port()),
        "GATEWAY_DIAL_TEMPLATE": "Local/{digits}@phones",
        "AMI_HOST": "127.0.0.1",
        "AMI_PORT": str(ami_port),
        "AMI_USERNAME": "gateway",
        "AMI_SECRET": "s3cret",
        "JWT_PUBLIC_KEY_FILE": str(dev_keys[1]),
        "GATEWAY_SIGNING_KEY_FILE": str(dev_keys[0]),
        "VAR_DIR": str(tmp_path / "var-gw"),
        "SPOOL_DIR": str(tmp_path / "spool"),
        "PRESENCE_URL": dead,
        "MAILBOX_URL": dead,
        "DIRECTORY_URL": dead,
        **env,
    }
    for name, value in settings_env.items():
        monkeypatch.setenv(name, value)
    http = bootstrap(GatewaySettings())
    try:
        async with LifespanManager(http, startup_timeout=20, shutdown_timeout=30):
            await fake_ami.logged_in()
            runtime = http.state.runtime
            if runtime.ami is not None:  # its ModuleCheck and PJSIP actions are over before the test's own
                await asyncio.wait_for(runtime.ami.checked.wait(), 10)
                await asyncio.wait_for(fake_ami.self_check_seen.wait(), 10)
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=http), base_url="http://gw"
            ) as client:
                yield SimpleNamespace(http=http, client=client, fake_ami=fake_ami)
    finally:
        await fake_ami.stop()
