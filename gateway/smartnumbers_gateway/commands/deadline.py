"""Commands for Asterisk (message waiting, fax delivery), consumed with the kit's ``ActingConsumer``:
while AMI is away a command waits (redelivered later); past its deadline it is given up with
``gateway.command.failed.v1``, never dropped silently."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import NAMESPACE_URL, uuid5

from nats.aio.msg import Msg
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
