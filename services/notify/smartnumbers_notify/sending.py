"""What a sender promises the dispatcher: ``claim`` right before handing the message over.

A sender raises ``Transient`` (try again later) or ``Permanent`` (never will work).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from smartnumbers_notify.domain.delivery import Delivery

Claim = Callable[[], Awaitable[None]]


class Transient(Exception):
    """The server or the network failed this time (connection refused, 4xx SMTP, 503)."""


class Permanent(Exception):
    """The server refused the message for good (bad address, 5xx SMTP, 4xx from Kannel)."""


class Sender(Protocol):
    async def send(self, delivery: Delivery, claim: Claim) -> str:
        """Hand the message over; returns what the server said."""
        ...
