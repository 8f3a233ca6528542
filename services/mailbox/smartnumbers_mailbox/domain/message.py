"""Voicemail messages and faxes as a mailbox keeps them (user guide §5.3, §5.6)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

RETENTION = timedelta(days=30)
"""Messages not saved are deleted 30 days after they arrived (§5.3.5)."""


class Folder(StrEnum):
    NEW = "new"
    SAVED = "saved"
    OLD = "old"


def phone_order(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The order the phone menu plays messages in: urgent first, then oldest first."""
    return sorted(items, key=lambda m: (not m.get("urgent", False), m["arrived_at"], m["id"]))


def expired(items: dict[str, dict[str, Any]], now: datetime) -> list[str]:
    """Ids of items not saved that arrived 30 days or more before ``now``."""
    return [i for i, m in items.items() if m["folder"] != Folder.SAVED and now - m["arrived_at"] >= RETENTION]
