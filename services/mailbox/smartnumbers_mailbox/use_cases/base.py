"""What every use case of the mailbox needs: loading and changing a mailbox, storing audio."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.utils import get_topic
from smartnumbers_kit.errors import NotFound

from smartnumbers_mailbox.audio import Recording
from smartnumbers_mailbox.domain.caller_numbers import NumberHolders
from smartnumbers_mailbox.domain.mailbox import Mailbox
from smartnumbers_mailbox.holding import BlobHoldingApplication

Address = tuple[str, str]
"""A mailbox within an organisation: (``user`` or ``team``, id)."""


class MailboxBase(BlobHoldingApplication):
    name = "mailbox"

    # -- reading --------------------------------------------------------------------
    def mailbox(self, organisation_id: str, address: Address) -> Mailbox:
        kind, owner = address
        try:
            mailbox = self.repository.get(Mailbox.create_id(organisation_id, kind, owner))
        except AggregateNotFoundError:
            mailbox = None
        if mailbox is None or mailbox.closed:
            raise NotFound(f"there is no {kind} {owner!r} with a mailbox in your organisation")
        return mailbox

    def mailbox_ids(self) -> list[uuid.UUID]:
        """Every mailbox ever opened (for the overnight and retention sweeps)."""
        topics = [get_topic(Mailbox.Opened)]  # type: ignore[attr-defined]  # made by @event
        start: int | None = None
        ids: list[uuid.UUID] = []
        while batch := self.recorder.select_notifications(
            start, 500, topics=topics, inclusive_of_start=False
        ):
            ids.extend(n.originator_id for n in batch)
            start = batch[-1].id
        return ids

    def user_calling_from(self, organisation_id: str, number: str) -> str | None:
        """The user whose own number (smartnumber, desk, mobile, home) this is, if exactly one's."""
        try:
            holders = self.repository.get(NumberHolders.create_id(organisation_id, number))
        except AggregateNotFoundError:
            return None
        return holders.sole_user

    def display_name(self, organisation_id: str, user_id: str) -> str | None:
        try:
            return self.mailbox(organisation_id, ("user", user_id)).profile.get("display_name") or None
        except NotFound:
            return None

    def is_member(self, organisation_id: str, team_id: str, user_id: str) -> bool:
        try:
            return user_id in self.mailbox(organisation_id, ("team", team_id)).members
        except NotFound:
            return False

    def _members_of(
        self, organisation_id: str, recipients: list[Address], leave_out: Address | None = None
    ) -> list[Address]:
        """Users named, and the members of teams named (those with an open mailbox, ``leave_out`` aside)."""
        targets: list[Address] = []
        for kind, owner in recipients:
            if kind == "team":
                team = self.mailbox(organisation_id, ("team", owner))
                targets.extend(
                    m
                    for m in (("user", member) for member in team.members)
                    if m != leave_out and self._is_open(organisation_id, m)
                )
            else:
                targets.append((kind, owner))
        return list(dict.fromkeys(targets))

    def _is_open(self, organisation_id: str, address: Address) -> bool:
        try:
            self.mailbox(organisation_id, address)
        except NotFound:
            return False
        return True

    def _stored(self, recording: Recording) -> dict[str, Any]:
        """Put the WAV in the blob store; what a message or greeting keeps of it."""
        sha = self.blobs.put(recording.wav)
        return {"sha256": sha, "size": len(recording.wav), "duration": round(recording.duration, 3)}

    def owner_changed(
        self, organisation_id: str, address: Address, change: Callable[[Mailbox], Any]
    ) -> list[Any]:
        try:
            mailbox = self.mailbox(organisation_id, address)
        except NotFound:
            return []
        change(mailbox)
        return [mailbox]

    # -- helpers ---------------------------------------------------------------------------------
    def update(
        self,
        organisation_id: str,
        address: Address,
        change: Callable[[Mailbox], Any],
        *,
        allow_closed: bool = False,
    ) -> None:
        """Change one mailbox; ``change`` may return the blobs it let go of (``Release``s)."""

        def command() -> list[Any]:
            if allow_closed:
                mailbox = self.repository.get(Mailbox.create_id(organisation_id, *address))
            else:
                mailbox = self.mailbox(organisation_id, address)
            releases = change(mailbox)
            return [mailbox, *self._released(releases if isinstance(releases, list) else [])]

        self._save(command, key=f"{organisation_id}/{address[0]}/{address[1]}")
