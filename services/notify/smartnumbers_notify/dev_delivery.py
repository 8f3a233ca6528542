"""``make run``: where notify's email and SMS go on a development machine.

- Email: unless ``SMTP_HOST`` is set, a local SMTP sink (``mail_sink.py``, aiosmtpd) on
  ``SMTP_PORT`` (8025) writes each message as ``var/mail/<time>-<n>.eml``.
- SMS: with ``KANNEL_BIN`` (the ``bearerbox`` binary), a private Kannel whose SMSC is
  ``fakesmsc``, which logs each message to ``var/sms/fakesmsc.log`` (one process,
  ``python -m smartnumbers_notify.kannel``); without it each SMS is a JSON file under
  ``var/sms/``.

``children`` says what to start (a command line and a log file each) and sets notify's
variables in the environment; the caller starts and supervises them.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from smartnumbers_kit.natsserver import free_port, popen_options


@dataclass(frozen=True)
class DevChild:
    name: str
    argv: list[str]
    log: Path
    port: int
    """Where it listens once ready."""

    def launch(self) -> subprocess.Popen[bytes]:
        with open(self.log, "ab") as log:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(self.argv, stdout=log, stderr=log, **popen_options())


def children(var: Path, env: dict[str, str], private_key: Path) -> tuple[list[DevChild], list[str]]:
    """What notify delivers to under ``make run``, and the lines to print about it."""
    found: list[DevChild] = []
    lines: list[str] = []
    env.setdefault("NOTIFY_SIGNING_KEY_FILE", str(private_key))
    if "SMTP_HOST" not in os.environ:
        port = int(env.setdefault("SMTP_PORT", "8025"))
        env["SMTP_HOST"] = "127.0.0.1"
        argv = [
            sys.executable,
            "-m",
            "smartnumbers_notify.mail_sink",
            "--port",
            str(port),
            "--dir",
            str(var / "mail"),
        ]
        found.append(DevChild("mail sink", argv, var / "mail-sink.log", port))
        lines.append(f"  mail sink  smtp://127.0.0.1:{port}, each email written to {var / 'mail'}/")
    sms_dir = var / "sms"
    sms_dir.mkdir(parents=True, exist_ok=True)
    if os.environ.get("KANNEL_BIN"):
        port, password = free_port(), secrets.token_hex(8)
        argv = [
            sys.executable,
            "-m",
            "smartnumbers_notify.kannel",
            "--dir",
            str(var / "kannel"),
            "--sendsms-port",
            str(port),
            "--password",
            password,
            "--smsc-log",
            str(sms_dir / "fakesmsc.log"),
            "--bearerbox",
            os.environ["KANNEL_BIN"],
        ]
        found.append(DevChild("kannel", argv, var / "kannel.log", port))
        url = f"http://127.0.0.1:{port}/cgi-bin/sendsms"
        env |= {
            "SMS_GATEWAY": "kannel",
            "KANNEL_SENDSMS_URL": url,
            "KANNEL_USERNAME": "notify",
            "KANNEL_PASSWORD": password,
        }
        lines.append(f"  kannel     sendsms {url}, SMSC fakesmsc logging to {sms_dir / 'fakesmsc.log'}")
    else:
        env |= {"SMS_GATEWAY": "files", "SMS_DIR": str(sms_dir)}
        lines.append(
            f"  sms        each SMS written to {sms_dir}/ (KANNEL_BIN=/usr/sbin/bearerbox for Kannel)"
        )
    return found, lines
