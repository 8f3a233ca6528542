from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from smartnumbers_kit.store import persistence_env
from smartnumbers_mailbox.application import MailboxApplication
from smartnumbers_mailbox.blobs import FileBlobStore
from smartnumbers_mailbox.settings import MailboxSettings

from services.mailbox.tests.e2e import Directory, mailbox_process

MAX_UPLOAD = 400_000


@pytest.fixture
def mailbox(
    persistence: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[MailboxApplication]:
    """The mailbox application on a fresh store (SQLite and PostgreSQL in turn), blobs on disk."""
    for name, value in persistence.items():
        monkeypatch.setenv(name, value)
    app = MailboxApplication(
        persistence_env(MailboxSettings(), "mailbox"), blobs=FileBlobStore(tmp_path / "blobs")
    )
    try:
        yield app
    finally:
        app.close()


@pytest.fixture(scope="module")
def service(tmp_path_factory, nats_server, dev_keys):
    """A real mailbox process for the module (blobs under ``service.tmp``), small upload limit."""
    tmp = tmp_path_factory.mktemp("mailbox")
    process = mailbox_process(
        tmp,
        nats_server.url,
        dev_keys[1],
        MAILBOX_MAX_UPLOAD_BYTES=str(MAX_UPLOAD),
        MAILBOX_SWEEP_SECONDS="3600",
    )
    process.start()
    process.tmp = tmp  # type: ignore[attr-defined]
    yield process
    process.stop()


@pytest.fixture
def org() -> str:
    return f"org-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def directory(service, nats_server, mint, org) -> Directory:
    return Directory(nats_server.url, service.url, mint("gateway", org, "service"), org)
