"""``make run``: start NATS (unless NATS_URL is set) and every service, until Ctrl-C.

Defaults (each overridable by environment):

    NATS       127.0.0.1:4322 (monitoring 8322)  NATS_PORT, NATS_MONITOR_PORT; store var/nats;
               one user per service, with only the subjects it needs (var/nats-auth)
    directory  127.0.0.1:8104   DIRECTORY_PORT  (signs tokens with var/dev-keys/jwt-private.pem)
    presence   127.0.0.1:8101   PRESENCE_PORT
    routing    127.0.0.1:8102   ROUTING_PORT
    mailbox    127.0.0.1:8103   MAILBOX_PORT
    gateway    127.0.0.1:8100   GATEWAY_PORT, FastAGI on 127.0.0.1:4573 (FASTAGI_PORT)
    notify     127.0.0.1:8105   NOTIFY_PORT; emails to a local SMTP sink (var/mail/, SMTP_PORT
                                8025) unless SMTP_HOST is set; SMS under var/sms/, or Kannel with KANNEL_BIN
    web        127.0.0.1:8080   WEB_PORT  (the Web Services: pages, /api/<service>/… passed on)

Every service is given every other's address (DIRECTORY_URL, PRESENCE_URL, …). Before
starting, every port is checked: if one is in use, nothing starts. A service that dies is
named and restarted (1 s, 2 s, 4 s… at most 5 times in a row); the others keep running.

With ASTERISK_BIN pointing to an Asterisk binary, a private Asterisk is started too,
with the shipped configuration in var/asterisk on loopback ports (AMI on AMI_PORT,
5038; SIP 127.0.0.1:5160, SIP_PORT), the gateway's AMI points at it, and it dials
demo phones (gateway/smartnumbers_gateway/asterisk/dev_asterisk.py).

Stores are SQLite files under var/ (VAR_DIR) unless PERSISTENCE=postgres. A development
key pair is made under var/dev-keys for `smartnumbers-token mint`. Everything it creates
(stores, keys, logs, the NATS store, Asterisk's AMI secret) is its owner's only.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from smartnumbers_kit import natsauth
from smartnumbers_kit.devstack import (
    AMI_PORT,
    NATS_MONITOR_PORT,
    NATS_PORT,
    SERVICES,
    SIP_PORT,
    Service,
    busy_ports,
    port_of,
    ports_to_check,
    service_env,
)
from smartnumbers_kit.natsserver import NatsServer, find_binary, popen_options
from smartnumbers_kit.private import owner_only
from smartnumbers_kit.supervisor import Child, StartFailed, Supervisor, say
from smartnumbers_kit.tokens import generate_keypair


def _healthy(url: str, timeout: float = 30.0) -> Callable[[subprocess.Popen[bytes]], bool]:
    def ready(process: subprocess.Popen[bytes]) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return process.poll() is None
            except OSError:
                time.sleep(0.1)
        return False

    return ready


def _listening(host: str, port: int, timeout: float = 30.0) -> Callable[[subprocess.Popen[bytes]], bool]:
    def ready(process: subprocess.Popen[bytes]) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            try:
                socket.create_connection((host, port), timeout=1).close()
                return process.poll() is None
            except OSError:
                time.sleep(0.1)
        return False

    return ready


def _uvicorn(
    service: Service, host: str, port: int, env: dict[str, str]
) -> Callable[[], subprocess.Popen[bytes]]:
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        service.factory,
        "--factory",
        "--host",
        host,
        "--port",
        str(port),
        "--no-access-log",
        "--timeout-graceful-shutdown",
        "10",
    ]
    return lambda: subprocess.Popen(argv, env=env, **popen_options())


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def workspace() -> tuple[Path, Path, Path]:
    """``VAR_DIR`` and the development key pair, everything from here on created owner-only."""
    owner_only()
    var = Path(os.environ.get("VAR_DIR", "var")).resolve()
    var.mkdir(parents=True, exist_ok=True)
    private_key, public_key = generate_keypair(var / "dev-keys")
    return var, private_key, public_key


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="smartnumbers-run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="SERVICE",
        choices=[s.name for s in SERVICES],
        help="start NATS and only these services (default: all)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    # From here on, Ctrl-C or SIGTERM (even in the middle of starting) goes through `finally`.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    supervisor = Supervisor()
    try:
        run(args, supervisor)
    except KeyboardInterrupt:
        pass
    except StartFailed as e:
        say(f"{e}; stopping everything")
        raise SystemExit(1) from None
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)  # let the children stop in order
        if supervisor.children:
            say("stopping…")
            supervisor.stop()
            say("stopped.")


def run(args: argparse.Namespace, supervisor: Supervisor) -> None:
    services = [s for s in SERVICES if args.only is None or s.name in args.only]
    host = os.environ.get("HOST", "127.0.0.1")
    own_nats = "NATS_URL" not in os.environ
    asterisk = bool(os.environ.get("ASTERISK_BIN"))
    busy = busy_ports(host, ports_to_check(os.environ, services, own_nats=own_nats, asterisk=asterisk))
    if busy:
        raise SystemExit(
            "smartnumbers-run: these ports are in use (another `make run`?), nothing was started: "
            + ", ".join(busy)
            + ".\nStop what uses them, or choose other ports with these variables."
        )
    var, private_key, public_key = workspace()
    env = service_env(os.environ, var, host) | {
        "JWT_PUBLIC_KEY_FILE": str(public_key),
        "GATEWAY_SIGNING_KEY_FILE": str(private_key),
    }
    secrets: dict[str, str] = {}
    lines: list[str] = []
    if own_nats:
        binary = find_binary()
        if binary is None:
            raise SystemExit("no nats-server binary: run `make install`, or set NATS_URL")
        config, secrets = natsauth.write_config(var / "nats-auth", SERVICES)
        nats = NatsServer(
            binary,
            var / "nats",
            port=port_of(os.environ, *NATS_PORT),
            monitor_port=port_of(os.environ, *NATS_MONITOR_PORT),
            log_file=var / "nats.log",
            config_file=config,
        )

        def start_nats() -> subprocess.Popen[bytes]:
            try:
                nats.start()
            except (RuntimeError, TimeoutError) as e:
                raise StartFailed(f"nats-server did not start ({e}; see {var / 'nats.log'})") from None
            assert nats.process is not None
            return nats.process

        supervisor.start(Child("nats", start_nats, lambda p: p.poll() is None, tier=0))
        env["NATS_URL"] = nats.url
        operator_url = nats.url.replace(
            "nats://", f"nats://{natsauth.OPERATOR}:{secrets[natsauth.OPERATOR]}@"
        )
        natsauth.write_private(var / natsauth.OPERATOR_URL_FILE, operator_url + "\n")
        lines.append(
            f"  nats       {nats.url}  (started here, log {var / 'nats.log'}; "
            f"a user per service, see {var / 'nats-auth'})"
        )
    else:
        lines.append(f"  nats       {natsauth.redact(env['NATS_URL'])}  (yours: NATS_URL)")
    if asterisk:
        lines.append(_start_asterisk(var, env, supervisor))
    if any(service.name == "notify" for service in services):
        lines += _start_notify_delivery(var, env, private_key, supervisor)
    for service in services:
        port = int(env[service.port_var])
        own = env | (
            {"NATS_USER": service.name, "NATS_PASSWORD": secrets[service.name]}
            if service.name in secrets
            else {}
        )
        supervisor.start(
            Child(service.name, _uvicorn(service, host, port, own), _healthy(f"http://{host}:{port}/healthz"))
        )
        lines.append(f"  {service.name:<10} http://{host}:{port}  (API docs /docs)")
    print("\nsmartnumbers is running:\n" + "\n".join(lines), flush=True)
    print(f"\nmint a token:  .venv/bin/smartnumbers-token mint --user alice --org acme --dir {var}/dev-keys")
    if secrets:
        print(
            "smartnumbers-dev and smartnumbers-parked connect as NATS operator "
            f"({var / natsauth.OPERATOR_URL_FILE})"
        )
    print("Ctrl-C stops everything.\n", flush=True)
    while True:
        time.sleep(0.5)
        supervisor.check()


def _start_asterisk(var: Path, env: dict[str, str], supervisor: Supervisor) -> str:
    """A private Asterisk with the shipped configuration (smartnumbers_gateway/asterisk/dev_asterisk.py)."""
    from smartnumbers_gateway.asterisk.dev_asterisk import prepare

    binary = os.environ["ASTERISK_BIN"]
    dev = prepare(
        var,
        binary,
        ami_port=port_of(os.environ, *AMI_PORT),
        sip_port=port_of(os.environ, *SIP_PORT),
        agi_port=port_of(env, "FASTAGI_PORT", 4573),
    )
    for note in dev.notes:
        say(f"asterisk: {note}")
    log_path = var / "asterisk.log"

    def launch() -> subprocess.Popen[bytes]:
        with open(log_path, "ab") as log:
            return subprocess.Popen(
                [binary, "-f", "-C", str(dev.config)], stdout=log, stderr=log, **popen_options()
            )

    try:
        supervisor.start(Child("asterisk", launch, _listening("127.0.0.1", dev.ami_port), tier=0))
    except StartFailed as e:
        raise StartFailed(f"{e}; see {log_path}") from None
    env |= dev.gateway_env()
    return (
        f"  asterisk   AMI 127.0.0.1:{dev.ami_port}, SIP udp 127.0.0.1:{dev.sip_port} (softphones demo-1..3, "
        f"password demo), config {dev.config.parent} (log {log_path})"
    )


def _start_notify_delivery(
    var: Path, env: dict[str, str], private_key: Path, supervisor: Supervisor
) -> list[str]:
    """Where notify delivers to: a local SMTP sink (var/mail) and SMS files or Kannel (KANNEL_BIN)."""
    from smartnumbers_notify import dev_delivery

    children, lines = dev_delivery.children(var, env, private_key)
    for child in children:
        supervisor.start(Child(child.name, child.launch, _listening("127.0.0.1", child.port), tier=0))
    return lines


if __name__ == "__main__":
    main()
