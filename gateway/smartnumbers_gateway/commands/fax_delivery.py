"""Faxes on to fax machines (§5.5, §5.6): the mailbox's ``gateway.fax.deliver.v1`` → AMI Originate → SendFAX.

A durable JetStream consumer of the GATEWAY stream's deliver commands. The TIFF is fetched
from the mailbox (as ``service``) into the spool Asterisk shares; Asterisk dials the fax
number and, when the machine answers, runs the dialplan's ``sn-fax-out,send``: the ``fax-send``
FastAGI conversation (``fax_sending.py``) runs ``SendFAX`` and publishes its result. A machine
that does not answer is published here. Either way ``gateway.fax.sent.v1`` says how it went,
and the TIFF leaves the spool. While AMI is down the command waits (redelivered); past its
deadline it fails with ``gateway.command.failed.v1``, never silently.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import NAMESPACE_URL, UUID, uuid5

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from smartnumbers_contracts import Contract, calls
from smartnumbers_contracts import gateway as commands
from smartnumbers_kit.acting_consumer import ActingConsumer

from smartnumbers_gateway.asterisk.ami import AmiLink
from smartnumbers_gateway.asterisk.numbers import dial_string, e164
from smartnumbers_gateway.clients.mailbox import MailboxClient
from smartnumbers_gateway.commands.deadline import ami_ready, failed
from smartnumbers_gateway.placed.originate import REASONS

log = logging.getLogger(__name__)
FAX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def outgoing_tiff(spool: Path, command_id: UUID) -> Path:
    """Where a fax waits in the spool while it is sent: one file per delivery command."""
    return spool / "faxes" / f"out-{command_id.hex}.tif"


def channel_variables(command: commands.DeliverFax) -> dict[str, str]:
    """What the dialplan's ``sn-fax-out`` hands the ``fax-send`` conversation (checked text only)."""
    return {
        "SN_FAX_COMMAND": str(command.event_id),
        "SN_ORG": command.organisation_id,
        "SN_USER": command.user_id,
        "SN_FAX_ID": command.fax_id,
        "SN_FAX_TO": command.to_number,
    }


def fax_sent(
    command_id: UUID,
    organisation_id: str,
    user_id: str,
    fax_id: str,
    to_number: str,
    reason: str,
    **result: str | int | None,
) -> calls.FaxSent:
    """How one delivery command went; one event id per command, whoever says it."""
    return calls.FaxSent(
        event_id=uuid5(NAMESPACE_URL, f"smartnumbers:gateway:fax:{command_id}"),
        organisation_id=organisation_id,
        occurred_at=datetime.now(UTC),
        fax_id=fax_id,
        user_id=user_id,
        to_number=to_number,
        delivered=reason == "sent",
        reason=reason,
        **result,  # type: ignore[arg-type]
    )


def _refused(command: commands.DeliverFax) -> str | None:
    """Why the command's text cannot go to Asterisk (the number dialled, the file name), if it cannot."""
    if e164(command.to_number) != command.to_number:
        return f"the fax number {command.to_number[:40]!r} is not an E.164 number"
    if not FAX_ID.fullmatch(command.fax_id):
        return f"the fax id {command.fax_id[:40]!r} is not a file name"
    return None


class FaxDelivery:
    def __init__(
        self,
        ami: AmiLink,
        js: JetStreamContext,
        mailbox: MailboxClient,
        spool: Path,
        dial_template: str,
        publish: Callable[[Contract], None],
        deadline: timedelta = timedelta(hours=1),
        retry_seconds: float = 5.0,
    ) -> None:
        self.ami, self.js, self.mailbox, self.spool = ami, js, mailbox, spool
        self.dial_template, self.publish = dial_template, publish
        self.deadline, self.retry_seconds = deadline, retry_seconds

    def consumer(
        self, max_deliveries: int = 5, backoff_seconds: Sequence[float] = (0.5, 2.0, 10.0)
    ) -> ActingConsumer:
        return ActingConsumer(
            self.js,
            stream="GATEWAY",
            durable="gateway-fax",
            handlers={commands.DeliverFax: self._handle},
            ack_wait=300,
            max_deliveries=max_deliveries,
            backoff_seconds=backoff_seconds,
        )

    async def _handle(self, command: commands.DeliverFax, message: Msg) -> bool:
        refused = _refused(command)
        if refused:  # it can never be carried out: say so once, nothing is sent to Asterisk
            log.error("fax delivery %s refused: %s", command.event_id, refused)
            self.publish(failed(command, refused))
            return True
        if not await ami_ready(
            self.ami.logged_in.is_set(), message, command, self.deadline, self.retry_seconds, self.publish
        ):
            return False  # waits for AMI, or given up past its deadline
        tiff = outgoing_tiff(self.spool, command.event_id)
        await self.mailbox.download(command.organisation_id, command.fetch_path, tiff)
        action = {
            "Action": "Originate",
            "ActionID": f"fax-{command.event_id}",
            "Async": "true",
            "Channel": dial_string(self.dial_template, [command.to_number]),
            "Context": "sn-fax-out",
            "Exten": "send",
            "Priority": "1",
            "Timeout": "60000",
            "Variable": [f"{name}={value}" for name, value in channel_variables(command).items()],
        }
        reason = "failed"
        try:
            replies = await asyncio.wait_for(self.ami.manager.send_action(action), 120)
            replies = replies if isinstance(replies, list) else [replies]
            outcome = next((m for m in replies if m.get("Event") == "OriginateResponse"), None)
            if outcome is not None:
                reason = REASONS.get(str(outcome.get("Reason")), f"reason {outcome.get('Reason')}")
        except TimeoutError:
            reason = "no outcome from Asterisk"
        except BaseException:
            tiff.unlink(missing_ok=True)  # tried again from the start (fetched again), or parked
            raise
        if reason == "answered":
            return True  # the fax-send conversation sends it, says how it went and removes the TIFF
        tiff.unlink(missing_ok=True)
        log.warning("fax %s to %s not sent: %s", command.fax_id, command.to_number, reason)
        self.publish(
            fax_sent(
                command.event_id,
                command.organisation_id,
                command.user_id,
                command.fax_id,
                command.to_number,
                reason,
            )
        )
        return True
