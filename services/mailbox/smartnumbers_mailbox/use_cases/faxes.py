"""Faxes (§5.5-§5.7): received, forwarded, saved, deleted."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from smartnumbers_mailbox.domain.message import Fax
from smartnumbers_mailbox.use_cases.base import Address, MailboxBase


class Faxes(MailboxBase):
    # -- faxes (§5.5-§5.7) --------------------------------------------------------------------
    def receive_fax(
        self,
        organisation_id: str,
        address: Address,
        tiff: bytes,
        pages: int,
        now: datetime,
        caller_number: str | None = None,
        forwarded_by: list[str] | None = None,
    ) -> str:
        fax_id = uuid.uuid4().hex
        sha = self.blobs.put(tiff)
        fax = Fax(
            id=fax_id,
            sha256=sha,
            size=len(tiff),
            pages=pages,
            caller_number=caller_number,
            arrived_at=now,
            forwarded_by=forwarded_by or [],
        )

        def command() -> list[Any]:
            mailbox = self.mailbox(organisation_id, address)
            mailbox.receive_fax(fax)
            blob = self._blob(sha, len(tiff))
            blob.hold([mailbox.fax_holder(fax_id)])
            return [mailbox, blob]

        self._run_holding(sha, tiff, command)
        return fax_id

    def forward_fax(
        self, organisation_id: str, actor: str, address: Address, fax_id: str, to: Address, now: datetime
    ) -> str:
        fax = self.mailbox(organisation_id, address).fax(fax_id)
        return self.receive_fax(
            organisation_id,
            to,
            self.blobs.get(fax.sha256),
            fax.pages,
            now,
            caller_number=fax.caller_number,
            forwarded_by=[*fax.forwarded_by, actor],
        )

    def save_fax(self, organisation_id: str, address: Address, fax_id: str) -> None:
        self.update(organisation_id, address, lambda m: m.save_fax(fax_id))

    def delete_fax(self, organisation_id: str, address: Address, fax_id: str) -> None:
        self.update(organisation_id, address, lambda m: [(m.delete_fax(fax_id), m.fax_holder(fax_id))])
