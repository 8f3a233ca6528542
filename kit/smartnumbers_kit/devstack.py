"""What ``make run`` starts, on which ports, and the environment each process gets.

One table (:data:`SERVICES`) says, for every service: how uvicorn starts it, its port, and
what it does on the bus (the NATS permissions of its own user come from that). Adding a
service is one row here. Every service is told the address of every other
(``<NAME>_URL``), so non-default ports never send a request, or a bearer token, to
whatever listens on a default port.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Service:
    """One service of ``make run``.

    ``publishes``: domains whose streams it writes (its own, and those it sends commands to).
    ``reads``: domains whose streams it consumes or follows.
    ``answers`` / ``asks``: core NATS request subjects it serves / sends.
    ``buckets``: JetStream key-value buckets it keeps (state its replicas share).
    """

    name: str
    factory: str
    port_var: str
    default_port: int
    publishes: tuple[str, ...] = ()
    reads: tuple[str, ...] = ()
    answers: tuple[str, ...] = ()
    asks: tuple[str, ...] = ()
    extra_ports: tuple[tuple[str, int], ...] = field(default=())
    buckets: tuple[str, ...] = ()
    """Other ports it listens on, as (variable, default)."""

    @property
    def uses_bus(self) -> bool:
        """Whether it talks on NATS at all (the web front end does not: it gets no NATS user)."""
        return bool(self.publishes or self.reads or self.answers or self.asks)

    @property
    def url_var(self) -> str:
        return f"{self.name.upper()}_URL"


PLAN_REQUESTS = "rpc.routing.plan.v1"

SERVICES: list[Service] = [
    # The directory first: it owns who exists. Port 8105 is reserved for notify, 8080 for the web front end.
    Service(
        "directory",
        "smartnumbers_directory.main:create",
        "DIRECTORY_PORT",
        8104,
        publishes=("directory", "notify"),
        reads=("presence",),
    ),
    Service(
        "presence",
        "smartnumbers_presence.main:create",
        "PRESENCE_PORT",
        8101,
        publishes=("presence",),
        reads=("directory",),
        buckets=("call_manager_heartbeats",),
    ),
    Service(
        "routing",
        "smartnumbers_routing.main:create",
        "ROUTING_PORT",
        8102,
        publishes=("routing",),
        reads=("gateway", "directory", "presence", "mailbox"),
        answers=(PLAN_REQUESTS,),
    ),
    Service(
        "mailbox",
        "smartnumbers_mailbox.main:create",
        "MAILBOX_PORT",
        8103,
        publishes=("mailbox", "notify", "gateway"),
        reads=("directory", "presence"),
    ),
    Service(
        "gateway",
        "smartnumbers_gateway.main:create",
        "GATEWAY_PORT",
        8100,
        publishes=("gateway",),
        reads=("mailbox", "directory"),  # every service may follow who exists and whose sessions ended
        asks=(PLAN_REQUESTS,),
        extra_ports=(("FASTAGI_PORT", 4573),),
    ),
    # Notify consumes the commands others send it, follows several domains and sends the
    # gateway commands (the message alert by call).
    Service(
        "notify",
        "smartnumbers_notify.main:create",
        "NOTIFY_PORT",
        8105,
        publishes=("notify", "gateway"),
        reads=("notify", "directory", "presence", "routing", "mailbox"),
        extra_ports=(("SMTP_PORT", 8025),),  # the local mail sink, unless SMTP_HOST is yours
    ),
    # The Web Services: the browser's one origin, pages and /api/<service>/… passed on to
    # the services over HTTP (no bus of its own).
    Service("web", "smartnumbers_web.main:create", "WEB_PORT", 8080),
    # A new service is one more row; then `make nats-config` (deploy/k8s/base/nats/nats.conf)
    # and its NATS_USER in deploy/k8s.
]

NATS_PORT = ("NATS_PORT", 4322)
NATS_MONITOR_PORT = ("NATS_MONITOR_PORT", 8322)
AMI_PORT = ("AMI_PORT", 5038)
SIP_PORT = ("SIP_PORT", 5160)  # UDP, make run's Asterisk only


def port_of(environ: Mapping[str, str], variable: str, default: int) -> int:
    value = environ.get(variable, "")
    if not value:
        return default
    try:
        port = int(value)
    except ValueError:
        raise SystemExit(f"{variable}={value!r} is not a port number") from None
    if not 0 < port < 65536:
        raise SystemExit(f"{variable}={value!r} is not a port number (1-65535)")
    return port


def service_urls(environ: Mapping[str, str], host: str) -> dict[str, str]:
    """``<NAME>_URL`` of every service, from its port variable."""
    return {s.url_var: f"http://{host}:{port_of(environ, s.port_var, s.default_port)}" for s in SERVICES}


def ports_to_check(
    environ: Mapping[str, str], services: list[Service], *, own_nats: bool, asterisk: bool
) -> dict[str, int]:
    """Every port ``make run`` will listen on, by its variable."""
    ports: dict[str, int] = {}
    if own_nats:
        for variable, default in (NATS_PORT, NATS_MONITOR_PORT):
            ports[variable] = port_of(environ, variable, default)
    if asterisk:
        ports[AMI_PORT[0]] = port_of(environ, *AMI_PORT)
    for service in services:
        ports[service.port_var] = port_of(environ, service.port_var, service.default_port)
        for variable, default in service.extra_ports:
            ports[variable] = port_of(environ, variable, default)
    return ports


def busy_ports(host: str, ports: Mapping[str, int]) -> list[str]:
    """``"PRESENCE_PORT=8101"`` for each port something already listens on (or used twice)."""
    busy: list[str] = []
    seen: dict[int, str] = {}
    for variable, port in ports.items():
        if port in seen:
            busy.append(f"{variable}={port} (also {seen[port]})")
            continue
        seen[port] = variable
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind
            try:
                s.bind((host, port))
            except OSError as e:
                busy.append(
                    f"{variable}={port}" + (" (in use)" if e.errno == errno.EADDRINUSE else f" ({e})")
                )
    return busy


def service_env(base: Mapping[str, str], var: Path, host: str) -> dict[str, str]:
    """The environment every process of the stack shares (before its own NATS user)."""
    env = {**base, "VAR_DIR": str(var), "HOST": host}
    env.setdefault("SPOOL_DIR", str(var / "spool"))
    for service in SERVICES:
        env[service.port_var] = str(port_of(base, service.port_var, service.default_port))
    env |= service_urls(base, host)
    return env
