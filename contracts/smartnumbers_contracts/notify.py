"""Commands for the notify service.

Sections are kept apart so that branches adding commands merge cleanly.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from smartnumbers_contracts.base import Contract, Identifier

# -- email (mailbox: voice-to-email, archive, fax-to-email) -------------------------


class Attachment(BaseModel):
    """A file the sender keeps in its blob store; notify fetches it with a service token."""

    model_config = ConfigDict(frozen=True)

    filename: str
    content_type: str
    size: int
    sha256: str
    fetch_path: str = Field(description="Path on the sending service, e.g. /v1/blobs/<sha256>")


class SendEmail(Contract):
    subject = "notify.email.send.v1"
    summary = "Command: send an email (voice-to-email, archived voicemail, fax-to-email)"

    user_id: Identifier = Field(description="The user it is sent for")
    to: str
    title: str = Field(description="The email's subject line")
    body: str
    attachments: list[Attachment] = []
    reason: str = Field(description="voice_to_email, archive or fax_to_email")
