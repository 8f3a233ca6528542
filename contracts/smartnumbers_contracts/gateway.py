"""Commands for the telephony gateway."""

from __future__ import annotations

from pydantic import Field

from smartnumbers_contracts.base import Contract, Identifier


class DeliverFax(Contract):
    subject = "gateway.fax.deliver.v1"
    summary = "Command: send a received fax on to the user's chosen fax machine (§5.5)"

    user_id: Identifier
    fax_id: str
    to_number: str = Field(description="E.164 fax number")
    sha256: str
    pages: int
    fetch_path: str = Field(description="Path on the mailbox service, e.g. /v1/blobs/<sha256>")


class CallMessageAlert(Contract):
    subject = "gateway.alert.message_call.v1"
    summary = (
        "Command (from notify): call the user at their current location to tell them of a new "
        "message (§3.5, 'a call to the current location')"
    )

    user_id: Identifier
    owner_kind: str = Field(description="user or team: whose mailbox has the message")
    owner_id: Identifier
    message_id: str = Field(description="The voicemail or fax id")
    kind: str = Field(description="voicemail or fax")
