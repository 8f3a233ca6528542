"""Connect to NATS at start-up, waiting (with a growing delay) until it is there.

The loop ``Runtime`` runs before its relay and consumers start, for composition roots that
have no ``Runtime`` (the gateway keeps no store). Once connected, ``bus.connect``'s client
reconnects by itself.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from nats.aio.client import Client

from smartnumbers_kit import bus

log = logging.getLogger(__name__)


async def connect_when_up(
    url: str,
    name: str,
    credentials: Mapping[str, str] | None = None,
    first_delay: float = 0.2,
    longest_delay: float = 5.0,
) -> Client:
    """``credentials`` go to ``bus.connect`` as they are (a service's NATS user, where there are some)."""
    delay = first_delay
    while True:
        try:
            return await bus.connect(url, name, **(credentials or {}))
        except Exception as e:
            log.warning("cannot reach NATS at %s (%s); retrying", url, e)
            await asyncio.sleep(delay)
            delay = min(delay * 2, longest_delay)
