"""The application's side of blob references: bytes are written before the events
that hold them are saved, and deleted after the save that leaves them unheld."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from smartnumbers_kit.store import ServiceApplication

from smartnumbers_mailbox.blobs import BlobStore
from smartnumbers_mailbox.domain.blob import Blob

Release = tuple[str, str]
"""A blob no longer held: (sha256, holder)."""


class BlobHoldingApplication(ServiceApplication):
    def __init__(self, env: dict[str, str] | None = None, *, blobs: BlobStore) -> None:
        super().__init__(env)
        self.blobs = blobs

    def _save(self, command: Callable[[], list[Any]], key: str | None = None) -> None:
        """``run_command``, then delete the file of every blob the command left unreferenced."""
        saved: list[Any] = []

        def remembering() -> list[Any]:
            saved[:] = command()
            return saved

        self.run_command(remembering, key=key)
        for blob in saved:
            if isinstance(blob, Blob) and blob.unreferenced:
                self.blobs.delete(blob.sha256)

    def _released(self, releases: list[Release], known: dict[str, Blob] | None = None) -> list[Blob]:
        """The blobs let go of, each released by its holder (and ``known`` ones, changed or not)."""
        blobs: dict[str, Blob] = dict(known or {})
        for sha, holder in releases:
            blob = blobs.get(sha) or self.repository.get(Blob.create_id(sha))
            blob.release([holder])
            blobs[sha] = blob
        return list(blobs.values())

    def _blob(self, sha256: str, size: int) -> Blob:
        try:
            return self.repository.get(Blob.create_id(sha256))
        except AggregateNotFoundError:
            return Blob(sha256=sha256, size=size)

    def _run_holding(self, sha: str, data: bytes, command: Callable[[], list[Any]]) -> None:
        """Run a command that holds blob ``sha``; if it is refused, leave no file behind."""
        try:
            self._save(command, key=f"blob/{sha}")  # one at a time here: they all change the Blob
        except BaseException:
            if self._blob(sha, 0).unreferenced:
                self.blobs.delete(sha)
            raise
        if not self.blobs.exists(sha):  # released and deleted by someone else meanwhile
            self.blobs.put(data)
