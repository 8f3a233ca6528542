"""A durable consumer whose handlers act outside the service's store (the gateway: on Asterisk).

The kit's ``Consumer`` loop, acks, parking and backoff, without the tracking store: a
handler is ``async (contract, message) -> bool``. True: done, acknowledged. False: the
handler settled the message itself (``nak(delay)`` to wait for something that is away,
``term`` after publishing why it gave up) — such waits are not failures. A handler that
raises is retried with backoff and, after ``max_deliveries`` failures, parked for an
operator (``smartnumbers-parked``), as every consumer's messages are. An unreadable
message is parked at once. Handlers must be idempotent: a redelivery acts again.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from pydantic import ValidationError
from smartnumbers_contracts import Contract, contract_for_subject

from smartnumbers_kit.consumer import HANDLED, Consumer
from smartnumbers_kit.logs import bind_event_id

log = logging.getLogger(__name__)

ActingHandler = Callable[[Any, Msg], Awaitable[bool]]
"""Takes the contract and its message; True when done (ack), False when it settled the message."""


class ActingConsumer(Consumer):
    def __init__(
        self,
        js: JetStreamContext,
        *,
        stream: str,
        durable: str,
        handlers: Mapping[type[Contract], ActingHandler],
        max_deliveries: int = 5,
        backoff_seconds: Sequence[float] = (0.5, 2.0, 10.0, 30.0),
        ack_wait: float = 30.0,
        deliver_policy: DeliverPolicy = DeliverPolicy.ALL,
    ) -> None:
        super().__init__(
            None,  # type: ignore[arg-type]  # no store: nothing is tracked
            js,
            stream=stream,
            durable=durable,
            handlers=handlers,  # type: ignore[arg-type]
            max_deliveries=max_deliveries,
            backoff_seconds=backoff_seconds,
            ack_wait=ack_wait,
            deliver_policy=deliver_policy,
        )
        self.acting: dict[str, ActingHandler] = {c.subject: h for c, h in handlers.items()}
        self._failures: OrderedDict[int, int] = OrderedDict()
        """Failed tries per stream sequence (waits are redeliveries too, but not failures)."""

    async def _handle(self, message: Msg) -> None:
        sequence = message.metadata.sequence.stream
        try:
            contract = contract_for_subject(message.subject).from_bytes(message.data)
        except (LookupError, ValidationError, ValueError) as e:
            await self._park(message, f"unreadable message: {e}")
            return
        bind_event_id(str(contract.event_id))
        try:
            done = await self.acting[contract.subject](contract, message)
        except Exception as e:
            tries = self._failures.pop(sequence, 0) + 1
            if tries < self.max_deliveries:
                self._failures[sequence] = tries
                while len(self._failures) > 1000:
                    self._failures.popitem(last=False)
            await self._failed(message, e, tries)
            return
        self._failures.pop(sequence, None)
        if done:
            HANDLED.labels(self.durable).inc()
            await self._ack(message)
