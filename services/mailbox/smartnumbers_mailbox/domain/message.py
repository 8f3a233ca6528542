"""Voicemail messages and faxes as a mailbox keeps them (user guide §5.3, §5.6).

In the aggregate they are typed (``Message``, ``Fax``); in stored events they keep their
original form, plain dicts with the same keys (``stored()`` and ``from_stored()``), so
events written before the types existed read the same.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

RETENTION = timedelta(days=30)
"""Messages not saved are deleted 30 days after they arrived (§5.3.5)."""


class Folder(StrEnum):
    NEW = "new"
    SAVED = "saved"
    OLD = "old"


@dataclass
class Forwarding:
    """Who forwarded a message on its way here, whether they recorded an annotation, when."""

    user_id: str
    annotated: bool
    at: str


@dataclass
class Message:
    id: str
    sha256: str
    size: int
    duration: float
    arrived_at: datetime
    folder: Folder = Folder.NEW
    caller_number: str | None = None
    caller_name: str | None = None
    sender_user_id: str | None = None
    """The user who left it: sent (§5.4), or called from one of their own numbers."""
    urgent: bool = False
    forwarded_by: list[Forwarding] = field(default_factory=list)
    left_for: str | None = None
    """The mailbox (``user:<id>``, ``team:<id>``) it was first left in."""

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> Message:
        return cls(
            id=stored["id"],
            sha256=stored["sha256"],
            size=stored["size"],
            duration=stored["duration"],
            arrived_at=stored["arrived_at"],
            folder=Folder(stored.get("folder", Folder.NEW)),
            caller_number=stored.get("caller_number"),
            caller_name=stored.get("caller_name"),
            sender_user_id=stored.get("sender_user_id"),
            urgent=stored.get("urgent", False),
            forwarded_by=[Forwarding(**f) for f in stored.get("forwarded_by", [])],
            left_for=stored.get("left_for"),
        )

    def stored(self) -> dict[str, Any]:
        """The form stored events carry."""
        return asdict(self) | {"folder": self.folder.value}


@dataclass
class Fax:
    id: str
    sha256: str
    size: int
    pages: int
    arrived_at: datetime
    folder: Folder = Folder.NEW
    caller_number: str | None = None
    forwarded_by: list[str] = field(default_factory=list)
    """The users who forwarded it here, in order."""

    @classmethod
    def from_stored(cls, stored: dict[str, Any]) -> Fax:
        return cls(
            id=stored["id"],
            sha256=stored["sha256"],
            size=stored["size"],
            pages=stored["pages"],
            arrived_at=stored["arrived_at"],
            folder=Folder(stored.get("folder", Folder.NEW)),
            caller_number=stored.get("caller_number"),
            forwarded_by=list(stored.get("forwarded_by", [])),
        )

    def stored(self) -> dict[str, Any]:
        return asdict(self) | {"folder": self.folder.value}


def phone_order(items: list[Message]) -> list[Message]:
    """The order the phone menu plays messages in: urgent first, then oldest first."""
    return sorted(items, key=lambda m: (not m.urgent, m.arrived_at, m.id))


def expired(items: dict[str, Message] | dict[str, Fax], now: datetime) -> list[str]:
    """Ids of items not saved that arrived 30 days or more before ``now``."""
    return [i for i, m in items.items() if m.folder != Folder.SAVED and now - m.arrived_at >= RETENTION]
