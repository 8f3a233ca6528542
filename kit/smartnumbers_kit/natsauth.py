"""NATS users for ``make run``: one per service, allowed only the subjects it needs.

Each service's permissions follow from its row in :data:`smartnumbers_kit.devstack.SERVICES`:

- publish its own domain's subjects and those of the domains it sends commands to, and
  ``parked.>`` (messages its consumers give up on);
- the JetStream API (``$JS.API.…``), acks and flow control only for the streams it writes
  or reads, plus ``$JS.API.INFO`` and ``$JS.API.STREAM.NAMES``;
- subscribe only to its own inbox prefix ``_INBOX_<user>.>`` (replies, and the deliver
  subjects of its push consumers) and to the request subjects it answers; replies to
  requests it received are allowed (``allow_responses``).

So presence can neither read the mailbox's stream nor subscribe to another service's
replies, and a client without a password is refused. The ``operator`` user (for the
command-line tools: ``smartnumbers-dev``, ``smartnumbers-parked``) may do anything.
Passwords are made once and kept, with the server's configuration, in files created 0600.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from pathlib import Path
from typing import Any

from smartnumbers_kit.bus import PARKED_STREAM, stream_name
from smartnumbers_kit.devstack import Service

OPERATOR = "operator"
OPERATOR_URL_FILE = "nats-auth/operator.url"
"""Under ``VAR_DIR``: the operator's ``nats://user:password@host:port``, for the command-line tools."""


NATS_HELP = (
    "NATS server URL, with user:password@ when it asks for them (default: NATS_URL, else the "
    "operator URL that `make run` wrote under VAR_DIR, else nats://127.0.0.1:4322)"
)


def redact(url: str) -> str:
    """A NATS URL fit to print: its password replaced by ``***``."""
    return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", url)


def default_nats_url() -> str:
    """For a command-line tool: ``NATS_URL``, else the operator's URL that ``make run`` wrote, else
    the default server."""
    if url := os.environ.get("NATS_URL"):
        return url
    written = Path(os.environ.get("VAR_DIR", "var")) / OPERATOR_URL_FILE
    try:
        return written.read_text().strip()
    except OSError:
        return "nats://127.0.0.1:4322"


def inbox_prefix(user: str) -> str:
    return f"_INBOX_{user}"


def _stream_api(stream: str) -> list[str]:
    return [
        f"$JS.API.STREAM.*.{stream}",  # INFO, CREATE, UPDATE
        f"$JS.API.STREAM.MSG.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}.>",
        f"$JS.API.CONSUMER.*.{stream}",  # ephemeral CREATE, NAMES, LIST
        f"$JS.API.CONSUMER.*.{stream}.>",  # CREATE, INFO, DELETE of a named consumer
        f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.>",
        f"$JS.API.CONSUMER.MSG.NEXT.{stream}.>",
    ]


def permissions(service: Service) -> dict[str, Any]:
    publish = ["$JS.API.INFO", "$JS.API.STREAM.NAMES", "parked.>"]
    publish += [f"{domain}.>" for domain in service.publishes]
    # Its own stream too may be read (the gateway's commands, a live feed): acks and flow control.
    for stream in {PARKED_STREAM, *(stream_name(d) for d in (*service.publishes, *service.reads))}:
        publish += [*_stream_api(stream), f"$JS.ACK.{stream}.>", f"$JS.FC.{stream}.>"]
    for bucket in service.buckets:
        publish += [*_stream_api(f"KV_{bucket}"), f"$KV.{bucket}.>"]
    publish += list(service.asks)
    subscribe = [f"{inbox_prefix(service.name)}.>", *service.answers]
    return {
        "publish": {"allow": sorted(set(publish))},
        "subscribe": {"allow": sorted(set(subscribe))},
        "allow_responses": True,
    }


def passwords(directory: Path, users: list[str]) -> dict[str, str]:
    """Each user's password, made on first use and kept in ``directory/passwords.json`` (0600)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "passwords.json"
    known: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = [u for u in users if u not in known]
    if missing:
        known |= {u: secrets.token_urlsafe(24) for u in missing}
        write_private(path, json.dumps(known, indent=2))
    return {u: known[u] for u in users}


def write_config(directory: Path, services: list[Service]) -> tuple[Path, dict[str, str]]:
    """Write the nats-server ``authorization`` block; returns its path and each user's password."""
    services = [s for s in services if s.uses_bus]
    secret = passwords(directory, [OPERATOR, *(s.name for s in services)])
    users: list[dict[str, Any]] = [{"user": OPERATOR, "password": secret[OPERATOR]}]
    users += [{"user": s.name, "password": secret[s.name], "permissions": permissions(s)} for s in services]
    path = directory / "auth.conf"
    write_private(path, json.dumps({"authorization": {"users": users}}, indent=2))
    return path, secret


def write_private(path: Path, text: str) -> None:
    """Create (or replace) a file readable by its owner only, never readable by others even briefly."""
    temporary = path.with_name(path.name + ".new")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    temporary.replace(path)


def password_variable(user: str) -> str:
    return f"{user.upper()}_NATS_PASSWORD"


def k8s_config(services: list[Service]) -> str:
    """The same users and permissions for deploy/k8s: each password is read by nats-server from
    its environment (``$PRESENCE_NATS_PASSWORD``…, filled from the Secret ``nats-credentials``)."""
    services = [s for s in services if s.uses_bus]
    users: list[dict[str, Any]] = [{"user": OPERATOR, "password": password_variable(OPERATOR)}]
    users += [
        {"user": s.name, "password": password_variable(s.name), "permissions": permissions(s)}
        for s in services
    ]
    text = json.dumps({"authorization": {"users": users}}, indent=2)
    for user in [OPERATOR, *(s.name for s in services)]:
        text = text.replace(f'"{password_variable(user)}"', "$" + password_variable(user))  # a reference
    return (
        "# NATS users and permissions of smartnumbers, one per service. Generated from\n"
        "# kit/smartnumbers_kit/devstack.py (SERVICES) by `make nats-config`: do not edit by hand.\n"
        "# Passwords come from nats-server's environment (Secret nats-credentials).\n" + text + "\n"
    )


if __name__ == "__main__":
    from smartnumbers_kit.devstack import SERVICES

    print(k8s_config(SERVICES), end="")
