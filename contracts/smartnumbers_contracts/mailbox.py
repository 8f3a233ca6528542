"""Events published by the mailbox service (user guide §3.4, §3.5, §3.9, §5, §7.3).

Mailboxes belong to users, and to teams (a team's calls that nobody answers go to the
team's mailbox; its members reach it). ``owner_kind`` and ``owner_id`` name the mailbox.
Audio and fax images are never on the bus: events carry the blob's ``sha256``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from smartnumbers_contracts.base import Contract, Identifier


class OwnerKind(StrEnum):
    USER = "user"
    TEAM = "team"


class Folder(StrEnum):
    NEW = "new"
    SAVED = "saved"
    OLD = "old"


class GreetingKind(StrEnum):
    NAME = "name"
    PERMANENT = "permanent"
    TODAY = "today"
    EXTENDED_ABSENCE = "extended_absence"


class HeardGreeting(StrEnum):
    """What a caller hears: a recording, or the system default speaking the name or number."""

    EXTENDED_ABSENCE = "extended_absence"
    TODAY = "today"
    PERMANENT = "permanent"
    DEFAULT_WITH_NAME = "default_with_name"
    DEFAULT_WITH_NUMBER = "default_with_number"


class MailboxEvent(Contract):
    owner_kind: OwnerKind
    owner_id: Identifier


class MessageDeposited(MailboxEvent):
    subject = "mailbox.message.deposited.v1"
    summary = "A voicemail arrived in a mailbox (left by a caller, sent, copied or forwarded)"

    message_id: str
    caller_number: str | None = Field(description="E.164 when known")
    caller_name: str | None
    sender_user_id: Identifier | None = Field(description="When the sender is a user of the organisation")
    urgent: bool
    duration_seconds: float
    forwarded_by: list[Identifier] = Field(description="Who forwarded it, oldest first")
    left_for: str | None = Field(
        default=None, description="The mailbox it was first left in (user:<id> or team:<id>)"
    )


class MessageMoved(MailboxEvent):
    subject = "mailbox.message.moved.v1"
    summary = "A message moved between New, Saved and Old (listened, emailed, saved, marked)"

    message_id: str
    folder: Folder
    previous_folder: Folder


class MessageDeleted(MailboxEvent):
    subject = "mailbox.message.deleted.v1"
    summary = "A message was deleted (by its owner, diverted, or 30 days after arrival when not saved)"

    message_id: str
    reason: str = Field(description="deleted, diverted or retention")


class NewMessageCountChanged(MailboxEvent):
    subject = "mailbox.mailbox.new_count_changed.v1"
    summary = (
        "The number of New messages changed (message-waiting lamp and alerts, §3.5); also sent with "
        "old_count = new_count when the owner switches the lamp on or off while there are New messages"
    )

    new_count: int
    old_count: int
    message_waiting_light: bool = Field(
        default=True,
        description="The owner wants the message-waiting light (§3.5); when false the lamp stays off "
        "whatever the count",
    )


class MessageAlerts(BaseModel):
    """How a user is told of a new message (Message Alert Preferences, §3.5)."""

    model_config = ConfigDict(frozen=True)

    call: bool = Field(description="A call to the user's current location")
    sms: bool = Field(description="A text message to the user's mobile")
    message_waiting: bool = Field(description="The message-waiting light on the handset")
    email: bool = Field(description="An email to the user's email address")
    pager: bool = Field(description="An alert to the user's pager")


class MessageAlertsChanged(MailboxEvent):
    subject = "mailbox.mailbox.message_alerts_changed.v1"
    summary = "A user changed how they are told of new messages (§3.5); the full new state"

    alerts: MessageAlerts


class GreetingChanged(MailboxEvent):
    subject = "mailbox.greeting.changed.v1"
    summary = "A greeting or name recording was recorded or removed; says which greeting callers hear now"

    greeting: GreetingKind
    recorded: bool = Field(description="False when it was removed (by the owner, or overnight for today's)")
    heard: HeardGreeting


class ExtendedAbsenceEnabled(MailboxEvent):
    subject = "mailbox.extended_absence.enabled.v1"
    summary = "The extended absence greeting is on: callers hear it and cannot leave a message (§3.9)"


class ExtendedAbsenceDisabled(MailboxEvent):
    subject = "mailbox.extended_absence.disabled.v1"
    summary = "The extended absence greeting is off (by the user, or because they selected a location)"

    cause: str = Field(description="user or location_selected")


class FaxReceived(MailboxEvent):
    subject = "mailbox.fax.received.v1"
    summary = "A fax arrived in a mailbox"

    fax_id: str
    caller_number: str | None
    pages: int
    sha256: str
