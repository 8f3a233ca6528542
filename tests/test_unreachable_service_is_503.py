"""A service that cannot reach another answers 503 with a message, never 500 (issue 11 §4):
the gateway, with presence down, asked to ring a user back to leave a voicemail (it gave a
500 on ``httpx.ConnectError``). Real gateway process, real nats-server, a fake Asterisk."""

from __future__ import annotations

import asyncio

import httpx
from smartnumbers_kit.natsserver import free_port

from gateway.tests.fake_ami import FakeAmi
from gateway.tests.gateway_process import gateway_process


async def test_the_gateway_answers_503_when_presence_cannot_be_reached(tmp_path, nats_server, dev_keys, mint):
    fake_ami = FakeAmi()
    ami_port = await fake_ami.start()
    nobody_listens = free_port()
    gateway = gateway_process(
        tmp_path,
        nats_server.url,
        dev_keys,
        ami_port=ami_port,
        PRESENCE_URL=f"http://127.0.0.1:{nobody_listens}",
        MAILBOX_URL=f"http://127.0.0.1:{nobody_listens}",
        DIRECTORY_URL=f"http://127.0.0.1:{nobody_listens}",
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
