"""``make run`` with ASTERISK_BIN: the private configuration it writes (and, where an Asterisk
binary exists, that Asterisk starts with it and the gateway's AMI user logs in)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import wave

import pytest
from smartnumbers_gateway.asterisk import dev_asterisk
from smartnumbers_gateway.asterisk.dev_asterisk import DEMO_DIAL_TEMPLATE, SHIPPED, prepare

from gateway.tests.fake_ami import frame


def test_the_private_configuration_is_the_shipped_one_on_loopback_with_a_fresh_secret(tmp_path):
    dev = prepare(tmp_path, "/opt/asterisk/sbin/asterisk", ami_port=15038, sip_port=15160, prompts=False)
    etc = dev.config.parent
    for shipped in SHIPPED.glob("*.conf"):
        assert (etc / shipped.name).exists(), shipped.name
    shipped_dialplan = (SHIPPED / "extensions.conf").read_text()
    assert (etc / "extensions.conf").read_text().startswith(shipped_dialplan.split("[globals]")[0])
    conf = dev.config.read_text()
    assert f"astspooldir => {tmp_path / 'spool'}" in conf and f"astetcdir => {etc}" in conf
    assert "astmoddir => /opt/asterisk/lib/asterisk/modules" in conf
    assert "port = 15038" in (etc / "manager.conf").read_text()
    assert "bindaddr = 127.0.0.1" in (etc / "manager.conf").read_text()
    assert "bind = 127.0.0.1:15160" in (etc / "pjsip.conf").read_text()
    assert f"secret = {dev.ami_secret}" in (etc / "manager_secret.conf").read_text()
    assert (
        prepare(tmp_path / "again", "/opt/asterisk/sbin/asterisk", prompts=False).ami_secret != dev.ami_secret
    )


def test_the_directories_are_a_real_section_that_asterisk_reads_not_a_template(tmp_path):
    dev = prepare(tmp_path, "/opt/asterisk/sbin/asterisk", prompts=False)
    lines = dev.config.read_text().splitlines()
    assert lines[0] == "[directories]"  # "[directories](!)" is a template: Asterisk ignores it


def test_every_port_make_run_picks_reaches_the_configuration_and_the_gateway(tmp_path):
    dev = prepare(
        tmp_path, "/opt/asterisk/sbin/asterisk", ami_port=15038, sip_port=15160, agi_port=14573, prompts=False
    )
    dialplan = (dev.config.parent / "extensions.conf").read_text()
    assert "SN_AGI=agi://127.0.0.1:14573" in dialplan and ":4573" not in dialplan
    env = dev.gateway_env()
    assert env["AMI_PORT"] == "15038" and env["AMI_SECRET"] == dev.ami_secret
    assert env["SPOOL_DIR"] == str(tmp_path / "spool")
    assert env["GATEWAY_DIAL_TEMPLATE"] == DEMO_DIAL_TEMPLATE


def test_demo_phones_a_developer_can_answer_and_softphones_that_register(tmp_path):
    dev = prepare(tmp_path, "/opt/asterisk/sbin/asterisk", prompts=False)
    dialplan = (dev.config.parent / "extensions.conf").read_text()
    assert "[sn-demo-phones]" in dialplan and "DB(sn-demo/${EXTEN})" in dialplan
    assert DEMO_DIAL_TEMPLATE.format(digits="447700900123") == "Local/447700900123@sn-demo-phones"
    pjsip = (dev.config.parent / "pjsip.conf").read_text()
    for n in (1, 2, 3):
        assert f"[demo-{n}](phone-template)" in pjsip and f"username = demo-{n}" in pjsip


def test_a_beep_and_music_on_hold_exist_even_without_core_sounds(tmp_path):
    dev = prepare(tmp_path, "/nonexistent/sbin/asterisk", prompts=False)
    with wave.open(str(dev.sounds / "beep.wav")) as beep:
        assert (beep.getframerate(), beep.getnchannels(), beep.getsampwidth()) == (8000, 1, 2)
        assert beep.getnframes() > 1000
    assert list((dev.sounds.parent.parent / "moh").glob("*.wav"))
    assert "directory = moh" in (dev.config.parent / "musiconhold.conf").read_text()


@pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("sox")), reason="espeak-ng and sox absent"
)
def test_the_prompts_are_spoken_once_with_espeak_and_sox(tmp_path, monkeypatch):
    monkeypatch.setattr(dev_asterisk, "_prompt_lines", lambda: [("not-available-leave-message", "Not here.")])
    monkeypatch.setattr(dev_asterisk, "CORE_SOUNDS", {"vm-goodbye": "Goodbye."})
    dev = prepare(tmp_path, "/nonexistent/sbin/asterisk")
    prompt = dev.sounds / "sn" / "not-available-leave-message.wav"
    with wave.open(str(prompt)) as w:
        assert w.getframerate() == 8000 and w.getnframes() > 1000
    assert (dev.sounds / "vm-goodbye.wav").exists()
    assert any("spoken" in note for note in dev.notes)
    before = prompt.stat().st_mtime_ns
    again = prepare(tmp_path, "/nonexistent/sbin/asterisk")
    assert prompt.stat().st_mtime_ns == before and again.notes == []


def test_without_espeak_the_missing_prompts_are_said(tmp_path, monkeypatch):
    monkeypatch.setattr(dev_asterisk.shutil, "which", lambda name: None)
    dev = prepare(tmp_path, "/nonexistent/sbin/asterisk")
    assert any("espeak-ng" in note and "not built" in note for note in dev.notes)


ASTERISK = os.environ.get("ASTERISK_BIN") or shutil.which("asterisk")


async def _connect(
    port: int, process: subprocess.Popen[bytes]
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    for _ in range(400):
        assert process.poll() is None, "Asterisk exited at start (its configuration was not found?)"
        try:
            return await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
    raise AssertionError("Asterisk's AMI never listened")


@pytest.mark.skipif(
    ASTERISK is None, reason="no Asterisk binary (set ASTERISK_BIN): it cannot be installed here"
)
async def test_a_real_asterisk_starts_with_it_and_the_gateway_logs_in(tmp_path):
    from smartnumbers_kit.natsserver import free_port

    port = free_port()
    dev = prepare(tmp_path, ASTERISK, ami_port=port, sip_port=free_port(), prompts=False)
    process = subprocess.Popen(  # noqa: ASYNC220 (started once, not awaited)
        [ASTERISK, "-f", "-C", str(dev.config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        reader, writer = await _connect(port, process)
        assert (await reader.readline()).startswith(b"Asterisk Call Manager/")
        writer.write(frame([("Action", "Login"), ("Username", "gateway"), ("Secret", dev.ami_secret)]))
        await writer.drain()
        reply = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        assert b"Response: Success" in reply
        writer.close()
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (Asterisk ends cleanly), SIGKILL when it takes longer than 10 s."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
