"""Files only their owner may read (0600) from the moment they exist: stores, keys, secrets.

Created with ``os.open(..., 0o600)`` rather than written then ``chmod``-ed, so there is no
moment when another user of the machine could open them.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE = 0o600
PRIVATE_DIR = 0o700


def create_private(path: Path) -> None:
    """Make ``path`` as an empty 0600 file unless it exists (a store the library opens next)."""
    path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))


def write_private(path: Path, data: bytes) -> None:
    """Write a new 0600 file (refuses to replace one that exists)."""
    path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def owner_only() -> int:
    """From now on, what this process and its children create is its owner's only (umask 077):
    ``make run`` sets it first, so the stores, keys, logs, the NATS store and the AMI secret
    it writes for Asterisk are private from the start. Returns the previous umask."""
    return os.umask(0o077)
