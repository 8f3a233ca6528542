"""Commands for the notify service, and what notify tells of each delivery.

A command is published from the log of the service that decided it (the relay), so it
is never lost; notify acts once per ``event_id``. Sections are kept apart per sender.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from smartnumbers_contracts.base import Contract, Identifier

# -- SMS (directory: group SMS, §4.5) ----------------------------------------------


class SendSms(Contract):
    subject = "notify.sms.send.v1"
    summary = "Command: send one SMS to one number (for example one member of a group, §4.5)"

    to: str = Field(description="E.164 number of the recipient")
    text: str = Field(max_length=640)
    requested_by: Identifier = Field(description="The user who asked for it")
    group_id: Identifier | None = Field(default=None, description="The group it was sent to, if any")


# -- email (mailbox: voice-to-email, archive, fax-to-email) -------------------------


class Attachment(BaseModel):
    """A file the sender keeps in its blob store; notify fetches it with a service token."""

    model_config = ConfigDict(frozen=True)

    filename: str
    content_type: str
    size: int
    sha256: str
    fetch_path: str = Field(description="Path on the sending service, e.g. /v1/blobs/<sha256>")


class EmailedItem(BaseModel):
    """What an email carries, for notify's templates to word it (caller, time, length)."""

    model_config = ConfigDict(frozen=True)

    kind: str = Field(description="voicemail or fax")
    caller_number: str | None = None
    caller_name: str | None = None
    arrived_at: datetime
    duration_seconds: float | None = Field(default=None, description="A voicemail's length")
    pages: int | None = Field(default=None, description="A fax's pages")


class SendEmail(Contract):
    subject = "notify.email.send.v1"
    summary = "Command: send an email (voice-to-email, archived voicemail, fax-to-email)"

    user_id: Identifier = Field(description="The user it is sent for")
    to: str
    title: str = Field(description="The email's subject line")
    body: str
    attachments: list[Attachment] = Field(default_factory=list)
    reason: str = Field(description="voice_to_email, archive or fax_to_email")
    about: EmailedItem | None = Field(
        default=None,
        description="The voicemail or fax attached; notify then words the email with its templates, "
        "in the user's time zone (title and body are the fallback)",
    )


# -- what became of a delivery (published by notify) ---------------------------------


class DeliverySent(Contract):
    subject = "notify.delivery.sent.v1"
    summary = "An SMS, email or pager message was accepted by the SMTP server or the SMS gateway"

    delivery_id: str
    command_id: str = Field(description="The command or event it was made from (one delivery per id)")
    user_id: Identifier | None = Field(description="Whom it was for, when a user of the organisation")
    channel: str = Field(description="sms, email or pager")
    to: str
    reason: str
    attempts: int


class DeliveryFailed(Contract):
    subject = "notify.delivery.failed.v1"
    summary = (
        "A delivery failed for good: refused (rate limit, bad number, text too long), rejected by "
        "the server, out of tries, or in doubt after a crash (never sent twice)"
    )

    delivery_id: str
    command_id: str
    user_id: Identifier | None
    channel: str
    to: str
    reason: str
    error: str = Field(description="What went wrong, for a person")
    attempts: int
