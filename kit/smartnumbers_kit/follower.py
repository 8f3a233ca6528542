"""Follow a domain's stream into an in-memory read model, from the first message.

For read models that must answer in microseconds (routing's decisions): the whole
stream is replayed at start-up with an ordered consumer, then every new message is
applied as it arrives. The stream is the durable copy; the model is rebuilt, never
stored. ``position`` is the last stream sequence applied, so a caller can wait until
the model has seen a given message (read-your-writes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy
from prometheus_client import Gauge, Histogram
from pydantic import ValidationError
from smartnumbers_contracts import Contract, contract_for_subject

from smartnumbers_kit.bus import ensure_stream, stream_name

log = logging.getLogger(__name__)

LAG = Histogram(
    "follower_lag_seconds",
    "From an event's publication time (JetStream) to the read model applying it",
    ["stream"],
    buckets=(0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5),
)
POSITION = Gauge("follower_position", "Last stream sequence applied", ["stream"])


class StreamFollower:
    def __init__(
        self,
        js: JetStreamContext,
        domain: str,
        apply: Callable[[Contract], None],
        subjects: Iterable[str] | None = None,
    ) -> None:
        self.js = js
        self.domain = domain
        self.stream = stream_name(domain)
        self.apply = apply
        self.subjects = set(subjects) if subjects is not None else None
        self.position = 0
        self.caught_up = asyncio.Event()
        self.lags: list[float] = []
        """Recent publication-to-applied lags in seconds (the bench reads them)."""
        self._advanced = asyncio.Condition()
        self._subscription: JetStreamContext.PushSubscription | None = None

    async def start(self) -> None:
        await ensure_stream(self.js, self.domain)
        info = await self.js.stream_info(self.stream)
        target = info.state.last_seq
        if target == 0:
            self.caught_up.set()
        config = ConsumerConfig(deliver_policy=DeliverPolicy.ALL)

        async def on_message(message: Msg) -> None:
            await self._on_message(message, target)

        self._subscription = await self.js.subscribe(
            f"{self.domain}.>",
            ordered_consumer=True,
            config=config,
            cb=on_message,
            stream=self.stream,
        )

    async def _on_message(self, message: Msg, target: int) -> None:
        sequence = message.metadata.sequence.stream
        if self.subjects is None or message.subject in self.subjects:
            try:
                contract = contract_for_subject(message.subject).from_bytes(message.data)
            except (LookupError, ValidationError) as e:
                log.error("follower %s skips unreadable stream seq %s: %s", self.stream, sequence, e)
            else:
                self.apply(contract)
                if self.caught_up.is_set():
                    lag = time.time() - message.metadata.timestamp.timestamp()
                    LAG.labels(self.stream).observe(lag)
                    self.lags.append(lag)
                    del self.lags[:-10000]
        self.position = sequence
        POSITION.labels(self.stream).set(sequence)
        if sequence >= target:
            self.caught_up.set()
        async with self._advanced:
            self._advanced.notify_all()

    async def wait_for(self, sequence: int, timeout: float = 1.0) -> bool:
        """Wait until the model has applied ``sequence``; False on timeout."""
        if self.position >= sequence:
            return True
        try:
            async with self._advanced:
                await asyncio.wait_for(self._advanced.wait_for(lambda: self.position >= sequence), timeout)
            return True
        except TimeoutError:
            return False

    async def catch_up(self, timeout: float = 1.0) -> bool:
        """Wait until everything in the stream right now is applied (read-your-writes)."""
        info = await self.js.stream_info(self.stream)
        return await self.wait_for(info.state.last_seq, timeout)

    async def stop(self) -> None:
        if self._subscription is not None:
            with contextlib.suppress(Exception):  # already gone with the connection
                await self._subscription.unsubscribe()
