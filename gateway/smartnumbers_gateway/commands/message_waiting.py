"""The message-waiting light (§3.5): the mailbox's new-message counts → AMI ``MWIUpdate``.

A durable JetStream consumer of ``mailbox.mailbox.new_count_changed.v1``: each count is
set on Asterisk (res_mwi_external) for the mailbox ``<owner>@<organisation>`` that phones
subscribe to (pjsip ``mailboxes=``), then acknowledged, and confirmed on the bus. A mailbox
whose owner switched the lamp off (``message_waiting_light`` false, §3.5) is set to no new
messages, so the lamp goes or stays off; switching it back on sends the count again. While AMI
is down the message waits; past its deadline it is given up with a
``gateway.command.failed.v1`` event, never dropped silently; an update Asterisk does not
answer is tried again with backoff and parked after the last try (the kit's consumer). Counts are absolute, so
applying one twice is harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from uuid import NAMESPACE_URL, uuid5

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from smartnumbers_contracts import Contract, calls
from smartnumbers_contracts import mailbox as mb
from smartnumbers_kit.acting_consumer import ActingConsumer

from smartnumbers_gateway.asterisk.ami import AmiLink
from smartnumbers_gateway.commands.deadline import ami_ready, failed

log = logging.getLogger(__name__)


def mwi_mailbox(owner_kind: str, owner_id: str, organisation_id: str) -> str:
    return f"{owner_id}@{organisation_id}" if owner_kind == "user" else f"team-{owner_id}@{organisation_id}"


class MessageWaiting:
    def __init__(
        self,
        ami: AmiLink,
        js: JetStreamContext,
        publish: Callable[[Contract], None],
        deadline: timedelta = timedelta(minutes=10),
        retry_seconds: float = 2.0,
    ) -> None:
        self.ami, self.js, self.publish = ami, js, publish
        self.deadline = deadline
        self.retry_seconds = retry_seconds

    def consumer(
        self, max_deliveries: int = 5, backoff_seconds: Sequence[float] = (0.5, 2.0, 10.0)
    ) -> ActingConsumer:
        return ActingConsumer(
            self.js,
            stream="MAILBOX",
            durable="gateway-mwi",
            handlers={mb.NewMessageCountChanged: self._handle},
            deliver_policy=DeliverPolicy.NEW,
            ack_wait=30,
            max_deliveries=max_deliveries,
            backoff_seconds=backoff_seconds,
        )

    async def _handle(self, count: mb.NewMessageCountChanged, message: Msg) -> bool:
        target = mwi_mailbox(count.owner_kind.value, count.owner_id, count.organisation_id)
        shown = count.new_count if count.message_waiting_light else 0
        envelope = {"organisation_id": count.organisation_id, "occurred_at": datetime.now(UTC)}
        if not await ami_ready(
            self.ami.logged_in.is_set(), message, count, self.deadline, self.retry_seconds, self.publish
        ):
            return False  # waits for AMI, or given up past its deadline
        response = await asyncio.wait_for(
            self.ami.manager.send_action(
                {"Action": "MWIUpdate", "Mailbox": target, "NewMessages": str(shown), "OldMessages": "0"}
            ),
            5,
        )  # not answered: raises, tried again with backoff, parked after the last try
        if getattr(response, "success", True) is False:
            self.publish(failed(count, str(response.get("Message", "refused by Asterisk"))))
        else:
            self.publish(
                calls.MessageWaitingSet(
                    event_id=uuid5(NAMESPACE_URL, f"smartnumbers:gateway:mwi:{count.event_id}"),
                    **envelope,
                    mwi_mailbox=target,
                    new_messages=shown,
                )
            )
        return True
