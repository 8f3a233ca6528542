"""Voicemail messages (§5.3, §5.4): deposit, send, forward, reply, and acting on them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from smartnumbers_kit.errors import Invalid, NotFound

from smartnumbers_mailbox.audio import Recording, joined, recording_from_stored
from smartnumbers_mailbox.domain.message import Folder, Forwarding, Message
from smartnumbers_mailbox.holding import Release
from smartnumbers_mailbox.use_cases.base import Address, MailboxBase


class Messages(MailboxBase):
    def callback_number(self, organisation_id: str, message: Message) -> str | None:
        """The caller's number, else the smartnumber of the user who sent it, when known."""
        if message.caller_number or not message.sender_user_id:
            return message.caller_number
        try:
            return self.mailbox(organisation_id, ("user", message.sender_user_id)).profile.get("smartnumber")
        except NotFound:
            return None

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
        recording = recording_from_stored(self.blobs.get(original.sha256))
        if annotation is not None:
            recording = joined(annotation, recording)
        forwarding = Forwarding(user_id=actor, annotated=annotation is not None, at=now.isoformat())
        envelope: dict[str, Any] = {
            "caller_number": original.caller_number,
            "caller_name": original.caller_name,
            "sender_user_id": original.sender_user_id,
            "urgent": original.urgent,
            "left_for": original.left_for,
            "forwarded_by": [*original.forwarded_by, forwarding],
        }
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
        sender = self.mailbox(organisation_id, address).message(message_id).sender_user_id
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
        message = {"arrived_at": now, **stored, **envelope}
        if message.get("sender_user_id") and not message.get("caller_name"):  # named in lists and emails
            message["caller_name"] = self.display_name(organisation_id, message["sender_user_id"])

        def command() -> list[Any]:
            changed, holders = [], []
            for target, message_id in ids.items():
                mailbox = self.mailbox(organisation_id, target)
                left_for = message.get("left_for") or f"{target[0]}:{target[1]}"
                mailbox.deposit(
                    Message(**message | {"id": message_id, "left_for": left_for}), from_caller=from_caller
                )
                changed.append(mailbox)
                holders.append(mailbox.message_holder(message_id))
            blob = self._blob(sha, len(recording.wav))
            blob.hold(holders)
            more, releases = also() if also else ([], [])
            return [*changed, *more, *self._released(releases, {sha: blob})]

        self._run_holding(sha, recording.wav, command)
        return [(kind, owner, message_id) for (kind, owner), message_id in ids.items()]

    # -- acting on messages -----------------------------------------------------------------
    def listened(self, organisation_id: str, address: Address, message_id: str) -> Message:
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
