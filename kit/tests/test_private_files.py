"""Secrets at rest (issue 11 §5): stores and private keys are 0600 from the moment they exist.

The umask is opened wide (000) for each test, so a file made the ordinary way would be
0666 or 0644: only a file created 0600 passes.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from smartnumbers_kit import devrun
from smartnumbers_kit.settings import ServiceSettings
from smartnumbers_kit.store import ServiceApplication, persistence_env
from smartnumbers_kit.tokens import generate_keypair


@pytest.fixture(autouse=True)
def wide_umask() -> Iterator[None]:
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_sqlite_store_and_its_journal_files_are_private(tmp_path: Path) -> None:
    # 1. A service opens its store for the first time and writes to it.
    settings = ServiceSettings(persistence="sqlite", var_dir=tmp_path / "var")
    app = ServiceApplication(persistence_env(settings, "presence"))
    try:
        app.log_identity()  # one write
        # 2. The database, and whatever journal SQLite keeps beside it, only its owner may read.
        files = sorted((tmp_path / "var").glob("presence.sqlite*"))
        assert files and files[0].name == "presence.sqlite"
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        assert mode(tmp_path / "var") & 0o077 == 0
    finally:
        app.close()


def test_the_private_signing_key_is_private(tmp_path: Path) -> None:
    private, public = generate_keypair(tmp_path / "dev-keys")
    assert mode(private) == 0o600
    assert mode(tmp_path / "dev-keys") & 0o077 == 0
    assert public.exists()


def test_make_run_creates_its_files_owner_only_among_them_the_ami_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dev_asterisk = pytest.importorskip("smartnumbers_gateway.asterisk.dev_asterisk")
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    # 1. make run prepares its workspace, then (with ASTERISK_BIN) Asterisk's configuration.
    var, private_key, _ = devrun.workspace()
    dev = dev_asterisk.prepare(var, "/opt/asterisk/sbin/asterisk")
    # 2. The secret Asterisk and the gateway share, and the key, only their owner may read.
    secret_file = dev.config.parent / "manager_secret.conf"
    assert dev.ami_secret in secret_file.read_text()
    assert mode(secret_file) == 0o600
    assert mode(private_key) == 0o600
    assert mode(var) & 0o077 == 0
