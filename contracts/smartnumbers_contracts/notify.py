"""Commands for the notify service (a later issue delivers them).

A command is published from the log of the service that decided it (the relay), so it
is never lost; notify acts once per ``event_id``.
"""

from __future__ import annotations

from pydantic import Field

from smartnumbers_contracts.base import Contract, Identifier


class SendSms(Contract):
    subject = "notify.sms.send.v1"
    summary = "Command: send one SMS to one number (for example one member of a group, §4.5)"

    to: str = Field(description="E.164 number of the recipient")
    text: str = Field(max_length=640)
    requested_by: Identifier = Field(description="The user who asked for it")
    group_id: Identifier | None = Field(default=None, description="The group it was sent to, if any")
