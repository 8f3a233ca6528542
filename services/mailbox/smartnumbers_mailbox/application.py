"""The mailbox application: each use case is load → decide → save, atomically.

Bytes go to the blob store before the events that reference them are saved; a blob
is deleted after the save that leaves nobody holding it (``Blob``). Identifiers in and
out are the organisation's own; aggregate ids are derived from them, so one
organisation can never address another's mailboxes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.utils import get_topic
from smartnumbers_kit.errors import Invalid, NotFound

from smartnumbers_mailbox.audio import Recording, joined, recording_from_stored
from smartnumbers_mailbox.domain.caller_numbers import NumberHolders
from smartnumbers_mailbox.domain.greetings import GreetingKind
from smartnumbers_mailbox.domain.mailbox import Mailbox
from smartnumbers_mailbox.domain.message import Folder
from smartnumbers_mailbox.holding import BlobHoldingApplication, Release

Address = tuple[str, str]
"""A mailbox within an organisation: (``user`` or ``team``, id)."""


class MailboxApplication(BlobHoldingApplication):
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
        topics, start, ids = [get_topic(Mailbox.Opened)], None, []
        while batch := self.recorder.select_notifications(
            start, 500, topics=topics, inclusive_of_start=False
        ):
            ids.extend(n.originator_id for n in batch)
            start = batch[-1].id
        return ids

    def callback_number(self, organisation_id: str, message: dict[str, Any]) -> str | None:
        """The caller's number, else the smartnumber of the user who sent it, when known."""
        if message["caller_number"] or not message["sender_user_id"]:
            return message["caller_number"]
        try:
            return self.mailbox(organisation_id, ("user", message["sender_user_id"])).profile.get(
                "smartnumber"
            )
        except NotFound:
            return None

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

    # -- depositing, sending, forwarding (§5.3, §5.4) ----------------------------------------
    def deposit(
        self,
        organisation_id: str,
        address: Address,
        recording: Recording,
        now: datetime,
        *,
        from_caller: bool = False,
        **envelope: Any,
    ) -> str:
        """A caller left a message (the gateway), or a user sent one; returns its id. A caller
        calling from one of a user's own numbers is that user (so Reply works, §5.3.3)."""
        if from_caller and envelope.get("caller_number") and not envelope.get("sender_user_id"):
            envelope["sender_user_id"] = self.user_calling_from(organisation_id, envelope["caller_number"])
        return self._deliver(organisation_id, [address], recording, now, envelope, from_caller=from_caller)[
            0
        ][2]

    def send(
        self,
        organisation_id: str,
        sender: str,
        recipients: list[Address],
        recording: Recording,
        now: datetime,
        urgent: bool = False,
    ) -> list[tuple[str, str, str]]:
        """A user sends a voicemail (§5.4): each user, and every member of each team but the
        sender, gets it."""
        envelope = {"sender_user_id": sender, "urgent": urgent}
        targets = self._members_of(organisation_id, recipients, leave_out=("user", sender))
        if not targets:
            raise Invalid("nobody but you would receive this voicemail: choose other recipients")
        return self._deliver(organisation_id, targets, recording, now, envelope)

    def forward(
        self,
        organisation_id: str,
        actor: str,
        address: Address,
        message_id: str,
        recipients: list[Address],
        now: datetime,
        *,
        keep: bool = True,
        annotation: Recording | None = None,
        urgent: bool | None = None,
    ) -> list[tuple[str, str, str]]:
        """Copy (keep) or divert (not keep) a message, optionally annotated (§5.3.4)."""
        source = self.mailbox(organisation_id, address)
        original = source.message(message_id)
        recording = recording_from_stored(self.blobs.get(original["sha256"]))
        if annotation is not None:
            recording = joined(annotation, recording)
        envelope = (
            {k: original[k] for k in ("caller_number", "caller_name", "sender_user_id", "urgent")}
            | {"left_for": original.get("left_for")}
            | {
                "forwarded_by": [
                    *original["forwarded_by"],
                    {"user_id": actor, "annotated": annotation is not None, "at": now.isoformat()},
                ]
            }
        )
        if urgent is not None:
            envelope["urgent"] = urgent

        def divert() -> tuple[list[Any], list[Release]]:
            if keep:
                return [], []
            mailbox = self.mailbox(organisation_id, address)
            sha = mailbox.delete(message_id, reason="diverted")
            return [mailbox], [(sha, mailbox.message_holder(message_id))]

        targets = self._members_of(organisation_id, recipients, leave_out=address)
        if address in targets:
            raise Invalid("a message cannot be forwarded to the mailbox it is in")
        return self._deliver(organisation_id, targets, recording, now, envelope, also=divert)

    def reply(
        self, organisation_id: str, address: Address, message_id: str, recording: Recording, now: datetime
    ) -> str:
        """Answer the sender of a message with a voicemail (§5.3.3), when the sender is a user."""
        sender = self.mailbox(organisation_id, address).message(message_id)["sender_user_id"]
        if sender is None:
            raise Invalid(
                "this message was not left by a user of your organisation: call the caller back instead"
            )
        return self.deposit(organisation_id, ("user", sender), recording, now, sender_user_id=address[1])

    def _deliver(
        self,
        organisation_id: str,
        targets: list[Address],
        recording: Recording,
        now: datetime,
        envelope: dict[str, Any],
        also: Callable[[], tuple[list[Any], list[Release]]] | None = None,
        from_caller: bool = False,
    ) -> list[tuple[str, str, str]]:
        if not targets:
            raise Invalid("choose at least one recipient")
        ids = {target: uuid.uuid4().hex for target in targets}
        stored = self._stored(recording)
        sha = stored["sha256"]
        message = (
            stored
            | {
                "caller_number": None,
                "caller_name": None,
                "sender_user_id": None,
                "urgent": False,
                "forwarded_by": [],
                "arrived_at": now,
            }
            | envelope
        )
        if message["sender_user_id"] and not message["caller_name"]:  # named in lists and emails
            message["caller_name"] = self.display_name(organisation_id, message["sender_user_id"])

        def command() -> list[Any]:
            changed, holders = [], []
            for target, message_id in ids.items():
                mailbox = self.mailbox(organisation_id, target)
                left_for = message.get("left_for") or f"{target[0]}:{target[1]}"
                mailbox.deposit({**message, "id": message_id, "left_for": left_for}, from_caller=from_caller)
                changed.append(mailbox)
                holders.append(mailbox.message_holder(message_id))
            blob = self._blob(sha, len(recording.wav))
            blob.hold(holders)
            more, releases = also() if also else ([], [])
            return [*changed, *more, *self._released(releases, {sha: blob})]

        self._run_holding(sha, recording.wav, command)
        return [(kind, owner, message_id) for (kind, owner), message_id in ids.items()]

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

    # -- acting on messages -----------------------------------------------------------------
    def listened(self, organisation_id: str, address: Address, message_id: str) -> dict[str, Any]:
        """Someone listened: a New message becomes Old (§5.3). Returns the message."""
        self.update(organisation_id, address, lambda m: m.listened(message_id))
        return self.mailbox(organisation_id, address).message(message_id)

    def move(self, organisation_id: str, address: Address, message_id: str, folder: Folder) -> None:
        self.update(organisation_id, address, lambda m: m.move(message_id, folder))

    def mark_urgent(self, organisation_id: str, address: Address, message_id: str, urgent: bool) -> None:
        self.update(organisation_id, address, lambda m: m.mark_urgent(message_id, urgent))

    def archive(self, organisation_id: str, address: Address, message_id: str) -> None:
        self.update(organisation_id, address, lambda m: m.email(message_id, reason="archive"))

    def delete(self, organisation_id: str, address: Address, message_id: str) -> None:
        self.update(
            organisation_id, address, lambda m: [(m.delete(message_id), m.message_holder(message_id))]
        )

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
        fax = {
            "id": fax_id,
            "sha256": sha,
            "size": len(tiff),
            "pages": pages,
            "caller_number": caller_number,
            "arrived_at": now,
            "forwarded_by": forwarded_by or [],
        }

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
            self.blobs.get(fax["sha256"]),
            fax["pages"],
            now,
            caller_number=fax["caller_number"],
            forwarded_by=[*fax["forwarded_by"], actor],
        )

    def save_fax(self, organisation_id: str, address: Address, fax_id: str) -> None:
        self.update(organisation_id, address, lambda m: m.save_fax(fax_id))

    def delete_fax(self, organisation_id: str, address: Address, fax_id: str) -> None:
        self.update(organisation_id, address, lambda m: [(m.delete_fax(fax_id), m.fax_holder(fax_id))])

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

    def _stored(self, recording: Recording) -> dict[str, Any]:
        """Put the WAV in the blob store; what a message or greeting keeps of it."""
        sha = self.blobs.put(recording.wav)
        return {"sha256": sha, "size": len(recording.wav), "duration": round(recording.duration, 3)}

    # -- what the directory and presence tell us (bus handlers return what they changed) ---------
    def owner_known(self, organisation_id: str, address: Address, **changes: Any) -> list[Any]:
        """A user or team exists (created or updated): open its mailbox or bring it up to date."""
        try:
            mailbox = self.repository.get(Mailbox.create_id(organisation_id, *address))
            before = mailbox.calling_numbers
        except AggregateNotFoundError:
            mailbox = Mailbox(
                organisation_id=organisation_id,
                owner_kind=address[0],
                owner_id=address[1],
                profile=changes.pop("profile", {}),
            )
            before = set()
        mailbox.update(**changes)
        return [mailbox, *self._reindexed(mailbox, before)]

    def user_removed(self, organisation_id: str, user_id: str) -> list[Any]:
        """The directory removed a user: the mailbox closes and their numbers are nobody's."""
        try:
            mailbox = self.mailbox(organisation_id, ("user", user_id))
        except NotFound:
            return []
        before = mailbox.calling_numbers
        mailbox.close()
        return [mailbox, *self._reindexed(mailbox, before)]

    def _reindexed(self, mailbox: Mailbox, before: set[str]) -> list[NumberHolders]:
        """The number index after a user's calling numbers went from ``before`` to now."""
        after = mailbox.calling_numbers
        changed = []
        for number in sorted(before ^ after):
            number_id = NumberHolders.create_id(mailbox.organisation_id, number)
            try:
                holders = self.repository.get(number_id)
            except AggregateNotFoundError:
                holders = NumberHolders(organisation_id=mailbox.organisation_id, number=number)
            if number in after:
                holders.claim(mailbox.owner_id)
            else:
                holders.release(mailbox.owner_id)
            changed.append(holders)
        return changed

    def fax_numbers_known(
        self,
        organisation_id: str,
        user_id: str,
        numbers: dict[str, str | None],
        phone_numbers: dict[str, str | None] | None = None,
    ) -> list[Any]:
        """Presence's fax numbers (and desk, mobile, home); they may arrive before the
        directory's user (another stream)."""
        try:
            mailbox = self.repository.get(Mailbox.create_id(organisation_id, "user", user_id))
        except AggregateNotFoundError:
            mailbox = Mailbox(
                organisation_id=organisation_id,
                owner_kind="user",
                owner_id=user_id,
                profile={"display_name": user_id},
            )
        if mailbox.closed:
            return []
        before = mailbox.calling_numbers
        mailbox.update(fax_numbers=numbers)
        if phone_numbers is not None:
            mailbox.know_phone_numbers(phone_numbers)
        return [mailbox, *self._reindexed(mailbox, before)]

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
