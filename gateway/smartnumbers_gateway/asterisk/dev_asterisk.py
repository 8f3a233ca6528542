"""``make run`` with ``ASTERISK_BIN``: a private Asterisk on loopback with the shipped configuration.

``prepare`` writes a configuration directory under ``var/asterisk``: the files of
``deploy/asterisk`` as shipped, an ``asterisk.conf`` whose directories are all private (the
spool is the gateway's ``SPOOL_DIR``), AMI on loopback with a fresh secret, and PJSIP's
transport on a loopback port. ``make run`` then starts ``$ASTERISK_BIN -f -C …`` and points
the gateway's AMI at it.
"""

from __future__ import annotations

import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[3] / "deploy" / "asterisk"


@dataclass(frozen=True)
class DevAsterisk:
    config: Path
    ami_port: int
    ami_username: str
    ami_secret: str
    spool: Path


def prepare(var: Path, binary: str, *, ami_port: int = 5038, sip_port: int = 5160) -> DevAsterisk:
    root = var / "asterisk"
    etc = root / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    spool = var / "spool"
    prefix = Path(binary).resolve().parent.parent  # …/sbin/asterisk → …
    directories = {
        "astetcdir": etc,
        "astvarlibdir": root / "lib",
        "astdbdir": root / "lib",
        "astkeydir": root / "lib",
        "astspooldir": spool,
        "astrundir": root / "run",
        "astlogdir": root / "log",
        "astagidir": root / "agi-bin",
        "astmoddir": prefix / "lib" / "asterisk" / "modules",
        "astdatadir": _data_dir(prefix),
        "astsbindir": Path(binary).resolve().parent,
    }
    for name, path in directories.items():
        if name not in ("astmoddir", "astdatadir", "astsbindir"):
            path.mkdir(parents=True, exist_ok=True)
    lines = ["[directories](!)"] + [f"{k} => {v}" for k, v in directories.items()]
    lines += ["", "[options]", "verbose = 1", "nofork = yes", "transmit_silence = yes"]
    (etc / "asterisk.conf").write_text("\n".join(lines) + "\n")
    for shipped in SHIPPED.glob("*.conf"):
        shutil.copy(shipped, etc / shipped.name)
    manager = (etc / "manager.conf").read_text()
    (etc / "manager.conf").write_text(re.sub(r"(?m)^port = \d+$", f"port = {ami_port}", manager))
    pjsip = (etc / "pjsip.conf").read_text()
    (etc / "pjsip.conf").write_text(pjsip.replace("bind = 0.0.0.0:5060", f"bind = 127.0.0.1:{sip_port}"))
    secret = secrets.token_urlsafe(24)
    (etc / "manager_secret.conf").write_text(f"[gateway](smartnumbers-gateway)\nsecret = {secret}\n")
    (etc / "modules.conf").write_text("[modules]\nautoload = yes\nnoload = chan_sip.so\n")
    (etc / "logger.conf").write_text("[general]\n[logfiles]\nconsole => notice,warning,error\n")
    return DevAsterisk(
        config=etc / "asterisk.conf",
        ami_port=ami_port,
        ami_username="gateway",
        ami_secret=secret,
        spool=spool,
    )


def _data_dir(prefix: Path) -> Path:
    """Where the core sound files are: <prefix>/var/lib/asterisk, or /var/lib/asterisk for /usr."""
    candidate = prefix / "var" / "lib" / "asterisk"
    return candidate if candidate.exists() or prefix != Path("/usr") else Path("/var/lib/asterisk")
