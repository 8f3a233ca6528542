"""Greetings, extended absence and settings (§3.4, §3.5, §3.9, §5.1); the overnight sweep."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from smartnumbers_mailbox.audio import Recording
from smartnumbers_mailbox.domain.greetings import GreetingKind
from smartnumbers_mailbox.domain.mailbox import Mailbox
from smartnumbers_mailbox.holding import Release
from smartnumbers_mailbox.use_cases.base import Address, MailboxBase


class Greetings(MailboxBase):
    # -- greetings and extended absence (§3.4, §3.9, §5.1) ----------------------------------------
    def record_greeting(
        self, organisation_id: str, address: Address, kind: GreetingKind, recording: Recording, now: datetime
    ) -> None:
        details = self._stored(recording) | {"recorded_at": now}
        sha = details["sha256"]

        def command() -> list[Any]:
            mailbox = self.mailbox(organisation_id, address)
            holder = mailbox.greeting_holder(kind.value)
            replaced = mailbox.record_greeting(kind, details)
            blob = self._blob(sha, len(recording.wav))
            blob.hold([holder])
            return [mailbox, *self._released([(replaced, holder)] if replaced else [], {sha: blob})]

        self._run_holding(sha, recording.wav, command)

    def remove_greeting(self, organisation_id: str, address: Address, kind: GreetingKind) -> None:
        self.update(
            organisation_id, address, lambda m: [(m.remove_greeting(kind), m.greeting_holder(kind.value))]
        )

    def set_extended_absence(self, organisation_id: str, user_id: str, enabled: bool) -> None:
        self.update(
            organisation_id,
            ("user", user_id),
            lambda m: m.enable_extended_absence() if enabled else m.disable_extended_absence(),
        )

    def change_settings(self, organisation_id: str, address: Address, **settings: Any) -> None:
        self.update(organisation_id, address, lambda m: m.change_settings(**settings))

    # -- the schedule: retention and overnight greetings ---------------------------------------
    def sweep(self, mailbox_id: uuid.UUID, now: datetime) -> int:
        """Delete what retention and the night remove from one mailbox; returns how many."""
        mailbox = self.repository.get(mailbox_id)
        if not (mailbox.todays_greeting_over(now) or mailbox.has_expired(now)):
            return 0
        removed: list[Release] = []

        def change(m: Mailbox) -> list[Release]:
            releases = []
            if m.todays_greeting_over(now):
                releases.append(
                    (m.remove_greeting(GreetingKind.TODAY), m.greeting_holder(GreetingKind.TODAY.value))
                )
            releases += m.expire(now)
            removed[:] = releases
            return releases

        self.update(
            mailbox.organisation_id, (mailbox.owner_kind, mailbox.owner_id), change, allow_closed=True
        )
        return len(removed)
