"""Helpers for mapping stored domain events to contracts, and stamping their ids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID, uuid5

from eventsourcing.persistence import Notification
from smartnumbers_contracts import Contract

UNSTAMPED = UUID(int=0)


def envelope(event: Any, organisation_id: str) -> dict[str, Any]:
    """The common fields of a contract made from a stored event.

    The event id is left for the relay to stamp (see ``stamped``).
    """
    return {"event_id": UNSTAMPED, "organisation_id": organisation_id, "occurred_at": event.timestamp}


def event_id(epoch: UUID, notification: Notification, index: int) -> UUID:
    """The same stored event always becomes the same id in the same store, however
    often it is published; another store (another epoch) never makes the same id."""
    return uuid5(epoch, f"{notification.originator_id}:{notification.originator_version}:{index}")


def stamped(contracts: Sequence[Contract], notification: Notification, epoch: UUID) -> list[Contract]:
    return [
        c.model_copy(update={"event_id": event_id(epoch, notification, i)}) for i, c in enumerate(contracts)
    ]


def domain_events(package: str) -> set[type]:
    """Every stored event class of the aggregates defined in ``package`` (a service's
    ``domain``), for the test that each one is either mapped to a contract or declared private.

    The library gives each aggregate a default ``Created`` class; it is left out when the
    aggregate is created by an event of its own (``@event("Opened") def __init__``).
    """
    import importlib
    import pkgutil

    from eventsourcing.domain import Aggregate, CanInitAggregate

    found: set[type] = set()
    domain = importlib.import_module(package)
    for info in pkgutil.iter_modules(domain.__path__):
        module = importlib.import_module(f"{package}.{info.name}")
        for value in vars(module).values():
            if not (
                isinstance(value, type)
                and issubclass(value, Aggregate)
                and value.__module__ == module.__name__
            ):
                continue
            events = {
                v
                for v in vars(value).values()
                if isinstance(v, type) and issubclass(v, value.Event) and v is not value.Event
            }
            if len({e for e in events if issubclass(e, CanInitAggregate)}) > 1:
                events.discard(value.Created)
            found |= events
    return found
