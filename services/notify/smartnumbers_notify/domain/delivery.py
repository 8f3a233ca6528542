"""One message leaving for one address: an SMS, an email or a pager message.

A delivery is made once per (command or event id, channel, address): its aggregate id is
derived from them, so a command received twice makes one delivery. Each try is recorded
*before* the message is handed to the server (``start_attempt``) and its outcome after.
A delivery found mid-try when notify starts was interrupted between handing the message
over and recording the outcome: it may have left, so it is not sent again (never
doubled) and is reported as in doubt.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"
    PAGER = "pager"


class Status(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    RETRYING = "retrying"
    SENT = "sent"
    FAILED = "failed"


IN_DOUBT = (
    "notify stopped while handing this message to the server; it may have left, so it is not "
    "sent again (a message is never sent twice)"
)


class Delivery(Aggregate):
    @staticmethod
    def create_id(command_id: str, channel: str, to: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:notify:delivery:{command_id}:{channel}:{to}")

    @event("Queued")
    def __init__(
        self,
        organisation_id: str,
        user_id: str | None,
        command_id: str,
        channel: str,
        to: str,
        reason: str,
        content: dict[str, Any],
        queued_at: datetime,
    ) -> None:
        self.organisation_id = organisation_id
        self.user_id = user_id
        self.command_id = command_id
        self.channel = channel
        self.to = to
        self.reason = reason
        self.content = content
        self.queued_at = queued_at
        self.status = Status.QUEUED
        self.attempts = 0
        self.next_attempt_at: datetime | None = queued_at
        self.finished_at: datetime | None = None
        self.error: str | None = None

    @property
    def pending(self) -> bool:
        return self.status in (Status.QUEUED, Status.RETRYING)

    @event("AttemptStarted")
    def start_attempt(self, at: datetime) -> None:
        self.status = Status.SENDING
        self.attempts += 1
        self.next_attempt_at = None

    @event("Sent")
    def sent(self, at: datetime, detail: str) -> None:
        self.status = Status.SENT
        self.finished_at = at
        self.error = None

    def attempt_failed(self, at: datetime, error: str, backoff: list[float], max_attempts: int) -> None:
        """A transient failure: try again after the backoff, or give up after the last try."""
        if self.attempts >= max_attempts:
            self.fail(at, f"{error} (gave up after {self.attempts} tries)")
        else:
            delay = backoff[min(self.attempts - 1, len(backoff) - 1)]
            self._will_retry(at, error, at + timedelta(seconds=delay))

    @event("AttemptFailed")
    def _will_retry(self, at: datetime, error: str, retry_at: datetime) -> None:
        self.status = Status.RETRYING
        self.error = error
        self.next_attempt_at = retry_at

    @event("Failed")
    def fail(self, at: datetime, error: str) -> None:
        self.status = Status.FAILED
        self.error = error
        self.finished_at = at
        self.next_attempt_at = None

    def summary(self) -> dict[str, Any]:
        """What a person sees of it in their delivery history."""
        return {
            "delivery_id": str(self.id),
            "user_id": self.user_id,
            "channel": self.channel,
            "to": self.to,
            "reason": self.reason,
            "subject": self.content.get("subject"),
            "text": self.content.get("text"),
            "status": self.status.value if isinstance(self.status, Status) else self.status,
            "attempts": self.attempts,
            "queued_at": self.queued_at,
            "finished_at": self.finished_at,
            "error": self.error,
        }
