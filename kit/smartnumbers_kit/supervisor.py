"""Keep ``make run``'s processes running: say which one died and restart it, with a limit.

A child that exits is restarted after a backoff (1 s, 2 s, 4 s…); after ``restart_limit``
restarts in a row it is left stopped and the others keep running. A child that then stays
up for ``stable_seconds`` has its count reset.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class StartFailed(Exception):
    """A child did not come up; the message says which and why."""


def exit_reason(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def say(message: str) -> None:
    print(f"smartnumbers-run: {message}", file=sys.stderr, flush=True)


@dataclass
class Child:
    """``launch`` starts the process; ``ready`` says whether it is up (False: it failed)."""

    name: str
    launch: Callable[[], subprocess.Popen[bytes]]
    ready: Callable[[subprocess.Popen[bytes]], bool]
    tier: int = 1
    """Stopped before every child of a lower tier (services: 1; NATS and Asterisk: 0)."""
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = 0.0
    restart_at: float | None = None
    given_up: bool = False

    def start(self) -> None:
        self.process = self.launch()
        self.started_at = time.monotonic()
        if not self.ready(self.process):
            code = self.process.poll()
            reason = exit_reason(code) if code is not None else "not ready in time"
            raise StartFailed(f"{self.name} did not start ({reason})")


@dataclass
class Supervisor:
    restart_limit: int = 5
    first_backoff: float = 1.0
    stable_seconds: float = 60.0
    children: list[Child] = field(default_factory=list)

    def start(self, child: Child) -> None:
        self.children.append(child)
        child.start()

    def check(self) -> None:
        """Notice exits, and restart what is due. Called by the main loop."""
        now = time.monotonic()
        for child in self.children:
            process = child.process
            if child.given_up or process is None:
                continue
            if child.restart_at is None:
                code = process.poll()
                if code is None:
                    if child.restarts and now - child.started_at > self.stable_seconds:
                        child.restarts = 0
                    continue
                if child.restarts >= self.restart_limit:
                    child.given_up = True
                    say(
                        f"{child.name} (pid {process.pid}) exited ({exit_reason(code)}); "
                        f"not restarting it after {child.restarts} restarts; the others keep running"
                    )
                    continue
                delay = self.first_backoff * 2**child.restarts
                child.restarts += 1
                child.restart_at = now + delay
                say(
                    f"{child.name} (pid {process.pid}) exited ({exit_reason(code)}); "
                    f"restarting it in {delay:g} s (restart {child.restarts} of {self.restart_limit})"
                )
            elif now >= child.restart_at:
                child.restart_at = None
                try:
                    child.start()
                except StartFailed as e:
                    say(str(e))
                else:
                    assert child.process is not None
                    say(f"{child.name} restarted (pid {child.process.pid})")

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the children tier by tier (services, then NATS and Asterisk), each tier together;
        SIGKILL what is still there after ``timeout``."""
        for tier in sorted({c.tier for c in self.children}, reverse=True):
            self._stop([c for c in self.children if c.tier == tier], timeout)

    @staticmethod
    def _stop(children: list[Child], timeout: float) -> None:
        running = [c.process for c in children if c.process and c.process.poll() is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in running:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
