"""Run a service as a real process (uvicorn), for end-to-end tests and benchmarks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from smartnumbers_kit.natsserver import free_port, popen_options


@dataclass
class ServiceProcess:
    factory: str
    env: dict[str, str]
    log_file: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0, *, wait_for_nats: bool = True) -> None:
        with open(self.log_file, "ab") as log:  # the child keeps its own copy of the descriptor
            self.process = self._launch(log)
        deadline = time.monotonic() + timeout
        path = "/readyz" if wait_for_nats else "/healthz"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.factory} exited: see {self.log_file}\n{self.log_file.read_text()[-3000:]}"
                )
            try:
                if httpx.get(self.url + path, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"{self.factory} not ready in {timeout}s: see {self.log_file}")

    def _launch(self, log: IO[bytes]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                self.factory,
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-access-log",
            ],
            env={**os.environ, **self.env},
            stdout=log,
            stderr=log,
            **popen_options(),
        )

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def wait_dead(self, timeout: float = 60.0) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def service_process(
    name: str, var_dir: Path, nats_url: str, public_key: Path, log_file: Path, **env: str
) -> ServiceProcess:
    """``smartnumbers_<name>`` with its SQLite store under ``var_dir``, on ``nats_url``,
    trusting tokens signed for ``public_key`` (the shape every service's tests start it in)."""
    return ServiceProcess(
        f"smartnumbers_{name}.main:create",
        {
            "NATS_URL": nats_url,
            "PERSISTENCE": "sqlite",
            "VAR_DIR": str(var_dir),
            "JWT_PUBLIC_KEY_FILE": str(public_key),
            "LOG_LEVEL": "INFO",
            **env,
        },
        log_file=log_file,
    )
