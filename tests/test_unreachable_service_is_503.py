"""A service that cannot reach another answers 503 with a message, never 500 (issue 11 §4):
the gateway, with presence down, asked to ring a user back to leave a voicemail (it gave a
500 on ``httpx.ConnectError``). Real gateway process, real nats-server, a fake Asterisk."""

from __future__ import annotations

import asyncio

import httpx
from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.serviceprocess import ServiceProcess

from gateway.tests.fake_ami import FakeAmi


async def test_the_gateway_answers_503_when_presence_cannot_be_reached(tmp_path, nats_server, dev_keys, mint):
    fake_ami = FakeAmi()
    ami_port = await fake_ami.start()
    nobody_listens = free_port()
    gateway = ServiceProcess(
        "smartnumbers_gateway.main:create",
        {
            "NATS_URL": nats_server.url,
            "FASTAGI_PORT": str(free_port()),
            "AMI_HOST": "127.0.0.1",
            "AMI_PORT": str(ami_port),
            "AMI_USERNAME": "gateway",
            "AMI_SECRET": "s3cret",
            "JWT_PUBLIC_KEY_FILE": str(dev_keys[1]),
            "GATEWAY_SIGNING_KEY_FILE": str(dev_keys[0]),
            "VAR_DIR": str(tmp_path / "var"),
            "SPOOL_DIR": str(tmp_path / "spool"),
            "PRESENCE_URL": f"http://127.0.0.1:{nobody_listens}",
            "MAILBOX_URL": f"http://127.0.0.1:{nobody_listens}",
            "DIRECTORY_URL": f"http://127.0.0.1:{nobody_listens}",
        },
        log_file=tmp_path / "gateway.log",
    )
    try:
        await asyncio.to_thread(gateway.start)
        await fake_ami.logged_in()
        async with httpx.AsyncClient(
            base_url=gateway.url, headers={"Authorization": f"Bearer {mint('alice', 'acme')}"}
        ) as alice:
            r = await alice.post("/v1/voicemail-calls", json={"to": ["user:bob"]})
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "unavailable"
        assert "cannot be reached" in r.json()["detail"] and "Traceback" not in r.text
    finally:
        gateway.stop()
        await fake_ami.stop()
