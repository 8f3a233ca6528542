"""A durable JetStream consumer of commands for the gateway (message waiting, fax delivery).

One message at a time per handler; the handler acks, naks (to retry later) or terms it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from uuid import NAMESPACE_URL, uuid5

from nats.aio.msg import Msg
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from smartnumbers_contracts import Contract, calls

log = logging.getLogger(__name__)


def failed(command: Contract, reason: str) -> calls.CommandFailed:
    """``gateway.command.failed.v1`` for ``command`` (one per command: its id is derived)."""
    return calls.CommandFailed(
        event_id=uuid5(NAMESPACE_URL, f"smartnumbers:gateway:failed:{command.event_id}"),
        organisation_id=command.organisation_id,
        occurred_at=datetime.now(UTC),
        command=command.subject,
        request_event_id=str(command.event_id),
        reason=reason,
    )


async def ami_ready(
    logged_in: bool,
    message: Msg,
    command: Contract,
    deadline: timedelta,
    retry_seconds: float,
    publish: Callable[[Contract], None],
) -> bool:
    """True when AMI can take the command now. Otherwise the message is redelivered later,
    or — past ``deadline`` since the command was made — given up with a failure event."""
    if logged_in:
        return True
    if datetime.now(UTC) - command.occurred_at > deadline:
        publish(failed(command, f"AMI unavailable for more than {deadline}"))
        await message.term()
    else:
        await message.nak(delay=retry_seconds)
    return False


class CommandConsumer:
    def __init__(
        self,
        js: JetStreamContext,
        *,
        stream: str,
        subject: str,
        durable: str,
        handle: Callable[[Msg], Awaitable[None]],
        deliver_policy: DeliverPolicy = DeliverPolicy.ALL,
        ack_wait: float = 60,
        retry_seconds: float = 5.0,
    ) -> None:
        self.js, self.stream, self.subject, self.durable = js, stream, subject, durable
        self.handle, self.deliver_policy, self.ack_wait = handle, deliver_policy, ack_wait
        self.retry_seconds = retry_seconds
        self._stopping = False

    def stop(self) -> None:
        self._stopping = True

    async def run(self) -> None:
        config = ConsumerConfig(
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=self.deliver_policy,
            max_ack_pending=1,
            ack_wait=self.ack_wait,
        )
        # The subject argument is the filter (nats-py overwrites config.filter_subject with it).
        subscription = await self.js.pull_subscribe(
            self.subject, durable=self.durable, stream=self.stream, config=config
        )
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
        await subscription.unsubscribe()  # before the connection drains (TELEPHONY.md)
