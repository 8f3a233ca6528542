"""Commands for Asterisk while AMI is away (message waiting, fax delivery): retried until
their deadline, then given up with ``gateway.command.failed.v1`` — never dropped silently."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from smartnumbers_contracts import calls
from smartnumbers_contracts import gateway as commands
from smartnumbers_gateway.commands.deadline import ami_ready


class Delivered:
    """A JetStream message as the consumer sees it: what was done with it."""

    def __init__(self) -> None:
        self.outcome: tuple[str, float | None] | None = None

    async def nak(self, delay: float | None = None) -> None:
        self.outcome = ("nak", delay)

    async def term(self) -> None:
        self.outcome = ("term", None)


def fax(made_ago: timedelta) -> commands.DeliverFax:
    return commands.DeliverFax(
        event_id=uuid.uuid4(),
        organisation_id="acme",
        occurred_at=datetime.now(UTC) - made_ago,
        user_id="adam",
        fax_id="f1",
        to_number="+441632960999",
        sha256="0" * 64,
        pages=1,
        fetch_path="/v1/blobs/x",
    )


async def test_with_ami_the_command_goes_ahead():
    published, message = [], Delivered()
    assert await ami_ready(True, message, fax(timedelta(hours=2)), timedelta(hours=1), 5.0, published.append)
    assert (published, message.outcome) == ([], None)


async def test_without_ami_it_is_tried_again_later_until_its_deadline():
    published, message = [], Delivered()
    assert not await ami_ready(
        False, message, fax(timedelta(minutes=5)), timedelta(hours=1), 5.0, published.append
    )
    assert (published, message.outcome) == ([], ("nak", 5.0))


async def test_past_its_deadline_it_fails_on_the_bus_and_is_dropped():
    published, message, command = [], Delivered(), fax(timedelta(hours=2))
    assert not await ami_ready(False, message, command, timedelta(hours=1), 5.0, published.append)
    (failure,) = published
    assert isinstance(failure, calls.CommandFailed) and message.outcome == ("term", None)
    assert (failure.command, failure.request_event_id, failure.organisation_id) == (
        "gateway.fax.deliver.v1",
        str(command.event_id),
        "acme",
    )
    assert failure.reason == "AMI unavailable for more than 1:00:00"
