"""Helpers for mapping stored domain events to contracts."""

from __future__ import annotations

from typing import Any
from uuid import uuid5


def envelope(event: Any, organisation_id: str, index: int = 0) -> dict[str, Any]:
    """The common fields of a contract made from a stored event.

    The event id is derived from the stored event (aggregate id and version), so the
    same stored event always becomes the same contract, however often it is published.
    """
    return {
        "event_id": uuid5(event.originator_id, f"{event.originator_version}:{index}"),
        "organisation_id": organisation_id,
        "occurred_at": event.timestamp,
    }
