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
