"""``make run``: where notify's email and SMS go on a development machine.

- Email: unless ``SMTP_HOST`` is set, a local SMTP sink (``mail_sink.py``, aiosmtpd) on
  ``SMTP_PORT`` (8025) writes each message as ``var/mail/<time>-<n>.eml``.
- SMS: with ``KANNEL_BIN`` (the ``bearerbox`` binary), a private Kannel whose SMSC is
  ``fakesmsc``, which logs each message to ``var/sms/fakesmsc.log``; without it each SMS is
  a JSON file under ``var/sms/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from smartnumbers_notify.kannel import Kannel

Processes = list[tuple[str, subprocess.Popen[bytes]]]


def start(var: Path, env: dict[str, str], private_key: Path) -> tuple[Processes, list[str]]:
    """Starts what notify delivers to and sets notify's variables in ``env``.

    Returns the processes (for ``make run`` to stop) and the lines it prints.
    """
    processes: Processes = []
    lines: list[str] = []
    env.setdefault("NOTIFY_SIGNING_KEY_FILE", str(private_key))
    if "SMTP_HOST" not in os.environ:
        port = env.setdefault("SMTP_PORT", "8025")
        env["SMTP_HOST"] = "127.0.0.1"
        sink = [
            sys.executable,
            "-m",
            "smartnumbers_notify.mail_sink",
            "--port",
            port,
            "--dir",
            str(var / "mail"),
        ]
        with open(var / "mail-sink.log", "ab") as log:  # the child keeps its own copy
            processes.append(("mail sink", subprocess.Popen(sink, stdout=log, stderr=log)))
        lines.append(f"  mail sink  smtp://127.0.0.1:{port}, each email written to {var / 'mail'}/")
    sms_dir = var / "sms"
    sms_dir.mkdir(parents=True, exist_ok=True)
    if os.environ.get("KANNEL_BIN"):
        kannel = Kannel(var / "kannel", Path(os.environ["KANNEL_BIN"]))
        with open(sms_dir / "fakesmsc.log", "ab") as smsc_log:
            kannel.start(smsc_log)
        processes += [("kannel", p) for p in kannel.processes]
        env |= {
            "SMS_GATEWAY": "kannel",
            "KANNEL_SENDSMS_URL": kannel.sendsms_url,
            "KANNEL_USERNAME": kannel.username,
            "KANNEL_PASSWORD": kannel.password,
        }
        lines.append(
            f"  kannel     sendsms {kannel.sendsms_url}, SMSC fakesmsc logging to {sms_dir / 'fakesmsc.log'}"
        )
    else:
        env |= {"SMS_GATEWAY": "files", "SMS_DIR": str(sms_dir)}
        lines.append(
            f"  sms        each SMS written to {sms_dir}/ (KANNEL_BIN=/usr/sbin/bearerbox for Kannel)"
        )
    return processes, lines
