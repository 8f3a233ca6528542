"""A private Kannel (bearerbox + smsbox) for ``make run`` and the tests, with ``fakesmsc`` as its SMSC.

In production Kannel runs on its own with an SMPP/UCP carrier in its configuration
(deploy/k8s/notify); notify only needs its ``sendsms`` URL and account. Here the same
smsbox interface is started on loopback ports, and ``fakesmsc`` (package
``kannel-extras``) plays the carrier: it prints each message it receives as
``Got message N: <from to text body>``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from smartnumbers_kit.natsserver import free_port

FAKESMSC_PATHS = ("/usr/lib/kannel/test/fakesmsc", "/usr/libexec/kannel/test/fakesmsc")
RECEIVED = re.compile(r"Got message \d+: <(?P<sender>\S+) (?P<to>\S+) (?P<kind>\S+) (?P<body>.*)>\s*$")


def find_bearerbox() -> Path | None:
    """``KANNEL_BIN`` (the bearerbox binary), else ``bearerbox`` on the PATH or in /usr/sbin."""
    given = os.environ.get("KANNEL_BIN")
    found = (
        given
        or shutil.which("bearerbox")
        or ("/usr/sbin/bearerbox" if Path("/usr/sbin/bearerbox").exists() else None)
    )
    return Path(found) if found else None


def find_fakesmsc() -> Path | None:
    return next((Path(p) for p in FAKESMSC_PATHS if Path(p).exists()), None)


@dataclass
class Kannel:
    directory: Path
    bearerbox: Path
    username: str = "notify"
    password: str = "notify-dev"
    sendsms_port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms_port}/cgi-bin/sendsms"

    def start(self, fakesmsc_output: IO[bytes] | int, timeout: float = 20.0) -> None:
        """bearerbox, then fakesmsc as its SMSC, then smsbox; returns once sendsms answers."""
        fakesmsc = find_fakesmsc()
        if fakesmsc is None:
            raise RuntimeError("fakesmsc not found: install the kannel-extras package")
        smsbox = self.bearerbox.with_name("smsbox")
        self.directory.mkdir(parents=True, exist_ok=True)
        admin, boxes, smsc = free_port(), free_port(), free_port()
        config = self.directory / "kannel.conf"
        d = self.directory
        config.write_text(
            f"""group = core
admin-port = {admin}
admin-password = "{self.password}-admin"
smsbox-port = {boxes}
box-allow-ip = 127.0.0.1
log-file = "{d}/bearerbox.log"
log-level = 1
store-type = file
store-location = "{d}/store"

group = smsc
smsc = fake
smsc-id = fake
port = {smsc}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {boxes}
sendsms-port = {self.sendsms_port}
sendsms-interface = 127.0.0.1
log-file = "{d}/smsbox.log"
log-level = 1

group = sendsms-user
username = {self.username}
password = {self.password}
max-messages = 10
concatenation = true
"""
        )
        quiet = subprocess.DEVNULL
        self.processes.append(
            subprocess.Popen([str(self.bearerbox), str(config)], stdout=quiet, stderr=quiet)
        )
        self._wait_port(smsc, timeout)
        self._wait_port(boxes, timeout)
        self.processes.append(
            subprocess.Popen(
                [str(fakesmsc), "-H", "127.0.0.1", "-r", str(smsc), "-m", "0", "1 2 text unused"],
                stdout=fakesmsc_output,
                stderr=subprocess.STDOUT,
            )
        )
        self.processes.append(subprocess.Popen([str(smsbox), str(config)], stdout=quiet, stderr=quiet))
        self._wait_port(self.sendsms_port, timeout)

    def _wait_port(self, port: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"a Kannel process exited; see the logs in {self.directory}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(f"Kannel did not open port {port} in {timeout}s; see {self.directory}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()


def main(argv: list[str] | None = None) -> None:
    """``python -m smartnumbers_notify.kannel``: one process for ``make run`` to supervise, holding a
    private Kannel (bearerbox, fakesmsc, smsbox) until SIGTERM or SIGINT."""
    import argparse
    import signal

    parser = argparse.ArgumentParser(prog="smartnumbers_notify.kannel", description=main.__doc__)
    parser.add_argument("--dir", type=Path, required=True, help="configuration, logs and store")
    parser.add_argument("--sendsms-port", type=int, required=True)
    parser.add_argument("--username", default="notify")
    parser.add_argument("--password", required=True)
    parser.add_argument("--smsc-log", type=Path, required=True, help="fakesmsc writes each message here")
    parser.add_argument("--bearerbox", type=Path, default=None, help="default: KANNEL_BIN, else bearerbox")
    args = parser.parse_args(argv)
    bearerbox = args.bearerbox or find_bearerbox()
    if bearerbox is None:
        raise SystemExit("no bearerbox: install Kannel (make install as root) or set KANNEL_BIN")
    kannel = Kannel(args.dir, bearerbox, args.username, args.password, args.sendsms_port)
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    args.smsc_log.parent.mkdir(parents=True, exist_ok=True)
    with open(args.smsc_log, "ab") as smsc_log:
        kannel.start(smsc_log)
    print(f"kannel: sendsms {kannel.sendsms_url}, SMSC fakesmsc logging to {args.smsc_log}", flush=True)
    try:
        while not stopping and all(p.poll() is None for p in kannel.processes):
            time.sleep(0.2)
    finally:
        kannel.stop()


if __name__ == "__main__":
    main()
