"""Stored domain events → wire contracts (what the relay publishes).

Besides its own events, the mailbox puts commands on the bus for notify (emails with
a recording or fax attached) and for the gateway (deliver a fax to a fax machine).

Every stored event class is either in ``PUBLISHED`` (with the function that makes its
contracts) or in ``PRIVATE``; a test holds the two against the domain.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from smartnumbers_contracts import Contract, gateway, notify
from smartnumbers_contracts import mailbox as wire
from smartnumbers_kit.publishing import envelope

from smartnumbers_mailbox.application import MailboxApplication
from smartnumbers_mailbox.domain.blob import Blob
from smartnumbers_mailbox.domain.caller_numbers import NumberHolders
from smartnumbers_mailbox.domain.mailbox import Mailbox
from smartnumbers_mailbox.domain.message import Folder

log = logging.getLogger(__name__)


def blob_path(sha256: str) -> str:
    return f"/v1/blobs/{sha256}"


def attachment(filename: str, content_type: str, stored: dict[str, Any]) -> notify.Attachment:
    """A recording or fax image for notify to fetch (``stored`` has its sha256 and size)."""
    return notify.Attachment(
        filename=filename,
        content_type=content_type,
        size=stored["size"],
        sha256=stored["sha256"],
        fetch_path=blob_path(stored["sha256"]),
    )


Mapper = Callable[[Any, dict[str, Any], str], list[Contract]]
"""(stored event, the contract's common fields, the owner's id) → contracts."""


def _deposited(e: Any, common: dict[str, Any], owner: str) -> list[Contract]:
    m = e.message
    return [
        wire.MessageDeposited(
            **common,
            message_id=m["id"],
            caller_number=m["caller_number"],
            caller_name=m["caller_name"],
            sender_user_id=m["sender_user_id"],
            urgent=m["urgent"],
            duration_seconds=m["duration"],
            forwarded_by=[f["user_id"] for f in m["forwarded_by"]],
            left_for=m.get("left_for"),
        )
    ]


def _extended_absence(e: Any, common: dict[str, Any], owner: str) -> list[Contract]:
    if e.enabled:
        return [wire.ExtendedAbsenceEnabled(**common)]
    return [wire.ExtendedAbsenceDisabled(**common, cause=e.cause)]


def _emailed(event: Any, common: dict[str, Any], owner: str) -> list[Contract]:
    a = event.attachment
    caller = a["caller_name"] or a["caller_number"] or "an unknown caller"
    email = notify.SendEmail(
        **{k: v for k, v in common.items() if k not in ("owner_kind", "owner_id")},
        user_id=owner,
        to=event.to,
        reason=event.reason,
        title=f"Voicemail from {caller}",
        body=f"A voicemail from {caller}, left {a['arrived_at']:%d %B %Y at %H:%M} UTC, "
        f"{a['duration']:.0f} seconds long, is attached.",
        attachments=[attachment(f"voicemail-{event.message_id}.wav", "audio/wav", a)],
        about=notify.EmailedItem(
            kind="voicemail",
            caller_number=a["caller_number"],
            caller_name=a["caller_name"],
            arrived_at=a["arrived_at"],
            duration_seconds=a["duration"],
        ),
    )
    moved = []
    if event.previous_folder == Folder.NEW:
        moved = [
            wire.MessageMoved(
                **common,
                message_id=event.message_id,
                folder=Folder.OLD.value,
                previous_folder=event.previous_folder,
            )
        ]
    return [email, *moved]


def _fax_received(event: Any, common: dict[str, Any], owner: str) -> list[Contract]:
    f = event.fax
    received = wire.FaxReceived(
        **common, fax_id=f["id"], caller_number=f["caller_number"], pages=f["pages"], sha256=f["sha256"]
    )
    target = event.delivery
    plain = {k: v for k, v in common.items() if k not in ("owner_kind", "owner_id")}
    if target is None:
        return [received]
    if target["kind"] == "fax":
        return [
            received,
            gateway.DeliverFax(
                **plain,
                user_id=owner,
                fax_id=f["id"],
                to_number=target["to"],
                sha256=f["sha256"],
                pages=f["pages"],
                fetch_path=blob_path(f["sha256"]),
            ),
        ]
    return [
        received,
        notify.SendEmail(
            **plain,
            user_id=owner,
            to=target["to"],
            reason="fax_to_email",
            title=f"Fax from {f['caller_number'] or 'an unknown number'}",
            body=f"A fax of {f['pages']} page(s) is attached.",
            attachments=[attachment(f"fax-{f['id']}.tif", "image/tiff", f)],
            about=notify.EmailedItem(
                kind="fax", caller_number=f["caller_number"], arrived_at=f["arrived_at"], pages=f["pages"]
            ),
        ),
    ]


PUBLISHED: dict[type, Mapper] = {
    Mailbox.Deposited: _deposited,
    Mailbox.Moved: lambda e, common, owner: [
        wire.MessageMoved(
            **common, message_id=e.message_id, folder=e.folder, previous_folder=e.previous_folder
        )
    ],
    Mailbox.Deleted: lambda e, common, owner: [
        wire.MessageDeleted(**common, message_id=e.message_id, reason=e.reason)
    ],
    Mailbox.NewCountChanged: lambda e, common, owner: [
        wire.NewMessageCountChanged(
            **common,
            new_count=e.new_count,
            old_count=e.old_count,
            message_waiting_light=e.message_waiting_light,
        )
    ],
    Mailbox.MessageAlertsChanged: lambda e, common, owner: [
        wire.MessageAlertsChanged(**common, alerts=wire.MessageAlerts(**e.alerts))
    ],
    Mailbox.Emailed: _emailed,
    Mailbox.GreetingChanged: lambda e, common, owner: [
        wire.GreetingChanged(**common, greeting=e.greeting, recorded=e.recording is not None, heard=e.heard)
    ],
    Mailbox.ExtendedAbsenceChanged: _extended_absence,
    Mailbox.FaxReceived: _fax_received,
}

PRIVATE: frozenset[type] = frozenset(
    {
        # Opening, updating and closing follow the directory's events; the owner's phone
        # numbers and No messages follow presence's.
        Mailbox.Opened,
        Mailbox.Updated,
        Mailbox.Closed,
        Mailbox.PhoneNumbersChanged,
        Mailbox.NoMessagesChanged,
        # Not yet of interest to another service (the REST API shows them).
        Mailbox.UrgencyChanged,
        Mailbox.FaxSaved,
        Mailbox.FaxDeleted,
        Mailbox.SettingsChanged,
        # Blob references and the caller number index are the mailbox's own business.
        Blob.Stored,
        Blob.Held,
        Blob.Released,
        NumberHolders.Indexed,
        NumberHolders.Claimed,
        NumberHolders.Released,
    }
)


class MailboxContracts:
    """Callable for the relay: one domain event in, the contracts to publish out."""

    def __init__(self, app: MailboxApplication) -> None:
        self.app = app
        self._owners: dict[UUID, tuple[str, str, str]] = {}

    def __call__(self, event: Any) -> Sequence[Contract]:
        if isinstance(event, Mailbox.Opened):
            self._owners[event.originator_id] = (event.organisation_id, event.owner_kind, event.owner_id)
        mapper = PUBLISHED.get(type(event))
        if mapper is None:
            if type(event) not in PRIVATE:
                log.error("no contract for the stored event %s: not published", type(event).__qualname__)
            return []
        org, kind, owner = self._owner(event.originator_id)
        return mapper(event, envelope(event, org) | {"owner_kind": kind, "owner_id": owner}, owner)

    def _owner(self, originator_id: UUID) -> tuple[str, str, str]:
        if originator_id not in self._owners:
            m = self.app.repository.get(originator_id)
            self._owners[originator_id] = (m.organisation_id, m.owner_kind, m.owner_id)
        return self._owners[originator_id]
