"""The NATS connection and JetStream streams, the same way in every service."""

from __future__ import annotations

import logging

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

log = logging.getLogger(__name__)

DUPLICATE_WINDOW_SECONDS = 15 * 60
PARKED_STREAM = "PARKED"


def stream_name(domain: str) -> str:
    """The stream holding every subject of a domain: ``presence`` → ``PRESENCE``."""
    return domain.upper()


async def connect(url: str, name: str, *, user: str = "", password: str = "") -> Client:
    """Connect, and keep reconnecting for ever when the server goes away.

    With a ``user``, its replies and push deliveries come on its own inbox prefix
    ``_INBOX_<user>``, the only one its NATS permissions let it subscribe to.
    """

    client: list[Client] = []

    async def disconnected() -> None:
        if client and (client[0].is_closed or client[0].is_draining):
            return  # our own close or drain
        log.warning("nats disconnected", extra={"nats_url": url})

    async def reconnected() -> None:
        log.info("nats reconnected", extra={"nats_url": url})

    async def error(e: Exception) -> None:
        log.warning("nats error: %s", e)

    nc = await nats.connect(
        [server.strip() for server in url.split(",")],  # a cluster: several URLs, comma-separated
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        connect_timeout=2,
        allow_reconnect=True,
        disconnected_cb=disconnected,
        reconnected_cb=reconnected,
        error_cb=error,
        **({"user": user, "password": password, "inbox_prefix": f"_INBOX_{user}"} if user else {}),
    )
    client.append(nc)
    return nc


async def _ensure(js: JetStreamContext, config: StreamConfig) -> str:
    assert config.name is not None
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        await js.add_stream(config)
    return config.name


async def ensure_stream(js: JetStreamContext, domain: str, replicas: int = 1) -> str:
    """Create (or keep) the stream of a domain; returns its name."""
    return await _ensure(
        js,
        StreamConfig(
            name=stream_name(domain),
            subjects=[f"{domain}.>"],
            storage=StorageType.FILE,
            retention=RetentionPolicy.LIMITS,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            num_replicas=replicas,
        ),
    )


async def ensure_parked_stream(js: JetStreamContext, replicas: int = 1) -> str:
    """The stream where consumers park messages they gave up on, for an operator to see."""
    return await _ensure(
        js,
        StreamConfig(
            name=PARKED_STREAM,
            subjects=["parked.>"],
            storage=StorageType.FILE,
            num_replicas=replicas,
        ),
    )


async def subscribed(nc: Client) -> None:
    """Return once the server holds every subscription made so far on ``nc``.

    nats-py's ``flush()`` writes its PING straight to the socket while a new SUB waits in the
    pending buffer for the flusher task, so one PONG can come back before the server has the
    SUB (a request sent meanwhile gets "no responders"). The flusher runs before that PONG is
    read, so a second PING is written after the SUB, and its PONG proves the SUB arrived."""
    await nc.flush()
    await nc.flush()
