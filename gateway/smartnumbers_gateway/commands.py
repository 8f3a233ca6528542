"""A durable JetStream consumer of commands for the gateway (message waiting, fax delivery).

One message at a time per handler; the handler acks, naks (to retry later) or terms it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

log = logging.getLogger(__name__)


class CommandConsumer:
    def __init__(self, js: JetStreamContext, *, stream: str, subject: str, durable: str,
                 handle: Callable[[Msg], Awaitable[None]], deliver_policy: DeliverPolicy = DeliverPolicy.ALL,
                 ack_wait: float = 60, retry_seconds: float = 5.0) -> None:
        self.js, self.stream, self.subject, self.durable = js, stream, subject, durable
        self.handle, self.deliver_policy, self.ack_wait = handle, deliver_policy, ack_wait
        self.retry_seconds = retry_seconds
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True

    async def run(self) -> None:
        config = ConsumerConfig(durable_name=self.durable, ack_policy=AckPolicy.EXPLICIT,
                                deliver_policy=self.deliver_policy, max_ack_pending=1, ack_wait=self.ack_wait)
        # The subject argument is the filter (nats-py overwrites config.filter_subject with it).
        subscription = await self.js.pull_subscribe(self.subject, durable=self.durable, stream=self.stream,
                                                    config=config)
        while not self._stopping:
            try:
                messages = await subscription.fetch(1, timeout=1.0)
            except (NatsTimeoutError, TimeoutError):
                continue
            except Exception as e:
                log.warning("%s: cannot fetch (%s)", self.durable, e)
                await asyncio.sleep(1)
                continue
            for message in messages:
                try:
                    await self.handle(message)
                except Exception:
                    log.exception("%s failed; it will be tried again", self.durable)
                    await message.nak(delay=self.retry_seconds)
