"""``make run`` with ASTERISK_BIN: the private configuration it writes (and, where an Asterisk
binary exists, that Asterisk starts with it and the gateway's AMI user logs in)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess

import pytest
from smartnumbers_gateway.asterisk.dev_asterisk import SHIPPED, prepare

from gateway.tests.fake_ami import frame


def test_the_private_configuration_is_the_shipped_one_on_loopback_with_a_fresh_secret(tmp_path):
    dev = prepare(tmp_path, "/opt/asterisk/sbin/asterisk", ami_port=15038, sip_port=15160)
    etc = dev.config.parent
    for shipped in SHIPPED.glob("*.conf"):
        assert (etc / shipped.name).exists(), shipped.name
    assert (etc / "extensions.conf").read_text() == (SHIPPED / "extensions.conf").read_text()
    conf = dev.config.read_text()
    assert f"astspooldir => {tmp_path / 'spool'}" in conf and f"astetcdir => {etc}" in conf
    assert "astmoddir => /opt/asterisk/lib/asterisk/modules" in conf
    assert "port = 15038" in (etc / "manager.conf").read_text()
    assert "bindaddr = 127.0.0.1" in (etc / "manager.conf").read_text()
    assert "bind = 127.0.0.1:15160" in (etc / "pjsip.conf").read_text()
    assert f"secret = {dev.ami_secret}" in (etc / "manager_secret.conf").read_text()
    assert prepare(tmp_path / "again", "/opt/asterisk/sbin/asterisk").ami_secret != dev.ami_secret


ASTERISK = os.environ.get("ASTERISK_BIN") or shutil.which("asterisk")


@pytest.mark.skipif(
    ASTERISK is None, reason="no Asterisk binary (set ASTERISK_BIN): it cannot be installed here"
)
async def test_a_real_asterisk_starts_with_it_and_the_gateway_logs_in(tmp_path):
    from smartnumbers_kit.natsserver import free_port

    port = free_port()
    dev = prepare(tmp_path, ASTERISK, ami_port=port, sip_port=free_port())
    process = subprocess.Popen(  # noqa: ASYNC220 (started once, before the test's first await)
        [ASTERISK, "-f", "-C", str(dev.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(200):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.05)
        assert (await reader.readline()).startswith(b"Asterisk Call Manager/")
        writer.write(frame([("Action", "Login"), ("Username", "gateway"), ("Secret", dev.ami_secret)]))
        await writer.drain()
        reply = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        assert b"Response: Success" in reply
        writer.close()
    finally:
        process.terminate()
        process.wait(10)
