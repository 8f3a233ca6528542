"""``make run`` as a developer meets it: the whole stack, one service killed, Ctrl-C with a feed open."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from smartnumbers_kit.devstack import SERVICES
from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.tokens import mint

pytestmark = pytest.mark.slow


class Output:
    """Every line a process prints, awaited by pattern."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = 60.0) -> re.Match[str]:
        found: list[re.Match[str]] = []

        def seen() -> bool:
            found[:] = [m for line in self.lines if (m := re.search(pattern, line))]
            return bool(found)

        with self._changed:
            if not self._changed.wait_for(seen, timeout):
                raise AssertionError(f"no line matching {pattern!r} in:\n{self.text}")
        return found[0]

    def join(self) -> None:
        self._thread.join(10)

    @property
    def text(self) -> str:
        return "".join(self.lines)


def children_of(pid: int) -> dict[str, int]:
    """The running children of ``pid``, by what they run (``presence``, ``nats``…)."""
    found: dict[str, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" not in status or "\nState:\tZ" in status:
            continue
        for service in SERVICES:
            if f"smartnumbers_{service.name}.main" in cmdline:
                found[service.name] = int(entry.name)
        if "nats-server" in cmdline:
            found["nats"] = int(entry.name)
        if "smartnumbers_notify.mail_sink" in cmdline:
            found["mail sink"] = int(entry.name)
    return found


def alive(pid: int) -> bool:
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def test_a_killed_service_is_named_and_restarted_and_ctrl_c_stops_everything_cleanly(tmp_path: Path) -> None:
    ports = {var: str(free_port()) for var in ("NATS_PORT", "NATS_MONITOR_PORT", "FASTAGI_PORT", "SMTP_PORT")}
    ports |= {s.port_var: str(free_port()) for s in SERVICES}
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "ASTERISK_BIN")}
    env |= ports | {"VAR_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    run = subprocess.Popen(
        [sys.executable, "-m", "smartnumbers_kit.devrun"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Output(run)
    try:
        # 1. Everything starts, each service with its own NATS user, and is ready (connected to NATS).
        output.wait_for("Ctrl-C stops everything", timeout=120)
        for service in SERVICES:
            ready = httpx.get(f"http://127.0.0.1:{ports[service.port_var]}/readyz", timeout=10)
            assert ready.json()["ready"], (service.name, ready.text)
        assert oct((tmp_path / "nats-auth" / "auth.conf").stat().st_mode & 0o777) == "0o600"
        before = children_of(run.pid)
        assert set(before) == {"nats", "mail sink", *(s.name for s in SERVICES)}

        # 2. Presence dies: make run says so, with how, and starts it again; the others run on.
        os.kill(before["presence"], signal.SIGKILL)
        output.wait_for(rf"presence \(pid {before['presence']}\) exited \(killed by SIGKILL\); restarting it")
        output.wait_for(r"presence restarted \(pid \d+\)")
        after = children_of(run.pid)
        assert after["presence"] != before["presence"]
        assert {k: v for k, v in after.items() if k != "presence"} == {
            k: v for k, v in before.items() if k != "presence"
        }
        presence = f"http://127.0.0.1:{ports['PRESENCE_PORT']}"
        token = mint((tmp_path / "dev-keys" / "jwt-private.pem").read_bytes(), user="alice", org="acme")

        # 3. Ctrl-C while a live feed is open: the feed ends, everything stops, and nothing is an error.
        with httpx.stream(
            "GET", presence + "/v1/presence/feed", headers={"Authorization": f"Bearer {token}"}, timeout=60
        ) as feed:
            chunks = feed.iter_bytes()
            assert next(chunks).startswith(b": connected")
            run.send_signal(signal.SIGINT)
            assert b"".join(chunks) == b""  # the server ended the stream
        assert run.wait(60) == 0
        output.join()
    finally:
        if run.poll() is None:
            run.kill()
    assert "stopped." in output.text
    assert not [pid for pid in after.values() if alive(pid)]
    assert not re.search(r"ERROR|Traceback|never retrieved|Cancel \d+ running task", output.text), output.text
