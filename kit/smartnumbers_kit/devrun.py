"""``make run``: start NATS (unless ``NATS_URL`` is set) and every service, until Ctrl-C.

Defaults (each overridable by environment):

    NATS            127.0.0.1:4322 (monitoring 8322), JetStream store var/nats
    directory       127.0.0.1:8104   DIRECTORY_PORT  (signs tokens with var/dev-keys/jwt-private.pem)
    presence        127.0.0.1:8101   PRESENCE_PORT
    routing         127.0.0.1:8102   ROUTING_PORT
    gateway         127.0.0.1:8100   GATEWAY_PORT, FastAGI on 127.0.0.1:4573 (FASTAGI_PORT)
    mailbox         127.0.0.1:8103   MAILBOX_PORT
    web             127.0.0.1:8080   WEB_PORT  (the Web Services: pages, /api/<service>/… proxied)

With ``ASTERISK_BIN`` pointing to an Asterisk binary, a private Asterisk is started too,
with the shipped configuration in ``var/asterisk`` on loopback ports (AMI ``AMI_PORT``,
5038; SIP 127.0.0.1:5160), and the gateway's AMI points at it.

Stores are SQLite files under ``var/`` unless ``PERSISTENCE=postgres``. A development
key pair is made under ``var/dev-keys`` for ``smartnumbers-token mint``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from smartnumbers_kit.natsserver import NatsServer, find_binary
from smartnumbers_kit.tokens import generate_keypair

SERVICES = [
    # (name, uvicorn factory, port variable, default port); the directory first: it owns who exists
    ("directory", "smartnumbers_directory.main:create", "DIRECTORY_PORT", 8104),
    ("presence", "smartnumbers_presence.main:create", "PRESENCE_PORT", 8101),
    ("routing", "smartnumbers_routing.main:create", "ROUTING_PORT", 8102),
    ("mailbox", "smartnumbers_mailbox.main:create", "MAILBOX_PORT", 8103),
    ("gateway", "smartnumbers_gateway.main:create", "GATEWAY_PORT", 8100),
    ("web", "smartnumbers_web.main:create", "WEB_PORT", 8080),  # the browser's one origin, last
]


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.1)
    return False


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    var = Path(os.environ.get("VAR_DIR", "var")).resolve()
    var.mkdir(parents=True, exist_ok=True)
    private_key, public_key = generate_keypair(var / "dev-keys")
    env = {
        **os.environ,
        "VAR_DIR": str(var),
        "JWT_PUBLIC_KEY_FILE": str(public_key),
        "GATEWAY_SIGNING_KEY_FILE": str(private_key),
        "SPOOL_DIR": str(var / "spool"),
    }
    host = env.setdefault("HOST", "127.0.0.1")
    for name, _, port_var, default in SERVICES:  # where each service answers (the web proxies to them)
        env.setdefault(f"{name.upper()}_URL", f"http://{host}:{env.get(port_var, default)}")

    nats: NatsServer | None = None
    if "NATS_URL" not in os.environ:
        binary = find_binary()
        if binary is None:
            sys.exit("no nats-server binary: run `make install`, or set NATS_URL")
        nats = NatsServer(
            binary,
            var / "nats",
            port=int(os.environ.get("NATS_PORT", "4322")),
            monitor_port=int(os.environ.get("NATS_MONITOR_PORT", "8322")),
            log_file=var / "nats.log",
        )
        nats.start()
        env["NATS_URL"] = nats.url

    processes: list[tuple[str, subprocess.Popen[bytes]]] = []
    asterisk_line = ""
    if os.environ.get("ASTERISK_BIN"):
        # A private Asterisk with the shipped configuration (gateway/smartnumbers_gateway/dev_asterisk.py).
        from smartnumbers_gateway.dev_asterisk import prepare

        dev = prepare(var, os.environ["ASTERISK_BIN"], ami_port=int(os.environ.get("AMI_PORT", "5038")))
        log = open(var / "asterisk.log", "ab")
        processes.append(
            (
                "asterisk",
                subprocess.Popen(
                    [os.environ["ASTERISK_BIN"], "-f", "-C", str(dev.config)], stdout=log, stderr=log
                ),
            )
        )
        env |= {
            "AMI_HOST": "127.0.0.1",
            "AMI_PORT": str(dev.ami_port),
            "AMI_USERNAME": dev.ami_username,
            "AMI_SECRET": dev.ami_secret,
            "SPOOL_DIR": str(dev.spool),
        }
        asterisk_line = f"  asterisk   AMI 127.0.0.1:{dev.ami_port}, config {dev.config.parent} (log {var / 'asterisk.log'})"
    lines = [
        f"  nats       {env['NATS_URL']}"
        + (f" (started here, log {var / 'nats.log'})" if nats else " (yours)")
    ]
    if asterisk_line:
        lines.append(asterisk_line)
    try:
        for name, factory, port_var, default in SERVICES:
            port = int(env.get(port_var, default))
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    factory,
                    "--factory",
                    "--host",
                    host,
                    "--port",
                    str(port),
                    "--no-access-log",
                    "--timeout-graceful-shutdown",
                    "10",
                ],
                env=env,
            )
            processes.append((name, process))
            ok = _wait_ready(f"http://{host}:{port}/healthz", process)
            lines.append(
                f"  {name:<10} http://{host}:{port}  (API docs /docs)" + ("" if ok else "  NOT STARTED")
            )
        print("\nsmartnumbers is running:\n" + "\n".join(lines), flush=True)
        print(
            f"\nmint a token:  .venv/bin/smartnumbers-token mint --user alice --org acme --dir {var}/dev-keys"
        )
        print("Ctrl-C stops everything.\n", flush=True)
        signal.signal(signal.SIGTERM, _interrupt)
        signal.signal(signal.SIGINT, _interrupt)  # also when started in the background
        while True:
            time.sleep(1)
            for name, process in processes:
                if process.poll() is not None:
                    raise SystemExit(f"{name} exited with {process.returncode}; stopping the rest")
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopping…", flush=True)
        for _, process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _, process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        if nats:
            nats.stop()
        print("stopped.")


if __name__ == "__main__":
    main()
