"""A mailbox: one per user, one per team (a team's unanswered calls go to its mailbox).

Messages and faxes are entries of the mailbox rather than aggregates of their own, so
that a change and the new-message count it causes are saved as one (the count event
is never out of step with the messages).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from smartnumbers_kit.errors import Conflict, Invalid, NotFound

from smartnumbers_mailbox.domain.alerts import DEFAULT_ALERTS, MessageAlert, with_changes
from smartnumbers_mailbox.domain.caller_numbers import calling_numbers
from smartnumbers_mailbox.domain.fax_delivery import FaxDelivery, delivery_target
from smartnumbers_mailbox.domain.greetings import GreetingKind, heard, todays_greeting_ends
from smartnumbers_mailbox.domain.message import Fax, Folder, Message, expired, phone_order

DEFAULT_TIME_ZONE = "Europe/London"


class Mailbox(Aggregate):
    @staticmethod
    def create_id(organisation_id: str, owner_kind: str, owner_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:mailbox:{organisation_id}:{owner_kind}:{owner_id}")

    @event("Opened")
    def __init__(self, organisation_id: str, owner_kind: str, owner_id: str, profile: dict[str, Any]) -> None:
        self.organisation_id = organisation_id
        self.owner_kind = owner_kind
        self.owner_id = owner_id
        self.profile = dict(profile)
        self.members: list[str] = []
        self.closed = False
        self.messages: dict[str, Message] = {}
        self.faxes: dict[str, Fax] = {}
        self.greetings: dict[str, dict[str, Any]] = {}
        self.extended_absence = False
        self.no_messages = False
        self.voice_to_email = False
        self.fax_delivery = FaxDelivery.MAILBOX.value
        self.fax_numbers: dict[str, str | None] = {}
        self.phone_numbers: dict[str, str | None] = {}
        self.alerts = dict(DEFAULT_ALERTS)

    # -- reading ----------------------------------------------------------------
    @property
    def holder(self) -> str:
        """How a blob names this mailbox among its holders; the keys below add what holds it."""
        return f"{self.organisation_id}/{self.owner_kind}/{self.owner_id}"

    def message_holder(self, message_id: str) -> str:
        return f"{self.holder}/m/{message_id}"

    def fax_holder(self, fax_id: str) -> str:
        return f"{self.holder}/f/{fax_id}"

    def greeting_holder(self, kind: str) -> str:
        return f"{self.holder}/g/{kind}"

    @property
    def new_count(self) -> int:
        return sum(1 for m in self.messages.values() if m.folder == Folder.NEW)

    def message(self, message_id: str) -> Message:
        if message_id not in self.messages:
            raise NotFound(f"there is no message {message_id!r} in this mailbox")
        return self.messages[message_id]

    def fax(self, fax_id: str) -> Fax:
        if fax_id not in self.faxes:
            raise NotFound(f"there is no fax {fax_id!r} in this mailbox")
        return self.faxes[fax_id]

    def listed(self, folder: Folder | None = None) -> list[Message]:
        return phone_order([m for m in self.messages.values() if folder is None or m.folder == folder])

    def heard(self) -> str:
        return heard(set(self.greetings), self.extended_absence).value

    @property
    def takes_messages(self) -> bool:
        """Whether a caller may leave a message: not during extended absence (§3.9), nor while
        the owner's availability is No messages (§3.6)."""
        return not (self.extended_absence or self.no_messages)

    @property
    def message_waiting_light(self) -> bool:
        """Whether the owner wants the handset's lamp to show new messages (§3.5)."""
        return self.alerts[MessageAlert.MESSAGE_WAITING]

    # -- the new-message count: every change of it is an event -------------------
    @contextmanager
    def _counting(self) -> Iterator[None]:
        before = self.new_count
        yield
        after = self.new_count
        if after != before:
            self._new_count_changed(
                new_count=after, old_count=before, message_waiting_light=self.message_waiting_light
            )

    class NewCountChanged(Aggregate.Event):
        """The count of New messages changed, or whether the lamp shows it (then old = new)."""

        class_version = 2
        new_count: int
        old_count: int
        message_waiting_light: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["message_waiting_light"] = True  # before message alerts (§3.5), the lamp always showed it

    @event(NewCountChanged)
    def _new_count_changed(self, new_count: int, old_count: int, message_waiting_light: bool) -> None:
        pass

    # -- messages (§5.3) ---------------------------------------------------------
    def deposit(self, message: Message, *, from_caller: bool = False) -> None:
        """A new message (in the New folder). With voice-to-email on, it is emailed and becomes Old.
        During extended absence no caller can leave a message (§3.9)."""
        if self.closed:
            raise NotFound(f"the mailbox of {self.owner_id!r} is closed")
        if from_caller and self.extended_absence:
            raise Conflict(f"{self.owner_id!r} is on extended absence: callers cannot leave a message")
        if from_caller and self.no_messages:
            raise Conflict(f"{self.owner_id!r} has chosen No messages: callers cannot leave a message")
        with self._counting():
            self._deposited(message=message.stored() | {"folder": Folder.NEW.value})
            if self.voice_to_email and self.profile.get("email"):
                self._email(message.id, reason="voice_to_email")

    @event("Deposited")
    def _deposited(self, message: dict[str, Any]) -> None:
        self.messages[message["id"]] = Message.from_stored(message)

    def move(self, message_id: str, folder: Folder) -> None:
        if self.message(message_id).folder != folder:
            with self._counting():
                self._moved(
                    message_id=message_id,
                    folder=folder.value,
                    previous_folder=self.messages[message_id].folder.value,
                )

    def listened(self, message_id: str) -> None:
        """Listening classes a New message as Old; Saved stays Saved."""
        if self.message(message_id).folder == Folder.NEW:
            self.move(message_id, Folder.OLD)

    @event("Moved")
    def _moved(self, message_id: str, folder: str, previous_folder: str) -> None:
        self.messages[message_id].folder = Folder(folder)

    def mark_urgent(self, message_id: str, urgent: bool) -> None:
        if self.message(message_id).urgent != urgent:
            self._urgency_changed(message_id=message_id, urgent=urgent)

    @event("UrgencyChanged")
    def _urgency_changed(self, message_id: str, urgent: bool) -> None:
        self.messages[message_id].urgent = urgent

    def delete(self, message_id: str, reason: str = "deleted") -> str:
        """Returns the sha256 of the deleted message's audio (to release)."""
        sha = self.message(message_id).sha256
        with self._counting():
            self._deleted(message_id=message_id, reason=reason)
        return sha

    @event("Deleted")
    def _deleted(self, message_id: str, reason: str) -> None:
        del self.messages[message_id]

    def email(self, message_id: str, reason: str) -> None:
        """Archive (§5.3.6) or voice-to-email (§5.1.7): emailed, and classed as read."""
        if self.owner_kind != "user":
            raise Invalid("only a user's mailbox has an email address to archive to")
        if not self.profile.get("email"):
            raise Invalid("you have no email address: ask an administrator to add one first")
        self.message(message_id)
        with self._counting():
            self._email(message_id, reason)

    def _email(self, message_id: str, reason: str) -> None:
        m = self.messages[message_id]
        self._emailed(
            message_id=message_id,
            to=self.profile["email"],
            reason=reason,
            previous_folder=m.folder.value,
            attachment={
                "sha256": m.sha256,
                "size": m.size,
                "duration": m.duration,
                "caller_number": m.caller_number,
                "caller_name": m.caller_name,
                "arrived_at": m.arrived_at,
            },
        )

    @event("Emailed")
    def _emailed(
        self, message_id: str, to: str, reason: str, previous_folder: str, attachment: dict[str, Any]
    ) -> None:
        if previous_folder == Folder.NEW:
            self.messages[message_id].folder = Folder.OLD

    def expire(self, now: datetime) -> list[tuple[str, str]]:
        """Delete messages and faxes not saved 30 days after arrival; returns (sha256, holder)s."""
        released = [
            (self.delete(i, reason="retention"), self.message_holder(i)) for i in expired(self.messages, now)
        ]
        released += [
            (self.delete_fax(i, reason="retention"), self.fax_holder(i)) for i in expired(self.faxes, now)
        ]
        return released

    def has_expired(self, now: datetime) -> bool:
        return bool(expired(self.messages, now) or expired(self.faxes, now))

    # -- faxes (§5.5-§5.7) ---------------------------------------------------------
    def receive_fax(self, fax: Fax) -> None:
        """A new fax (in the New folder), and where the delivery setting sends it on."""
        if self.closed:
            raise NotFound(f"the mailbox of {self.owner_id!r} is closed")
        target = delivery_target(self.fax_delivery, self.fax_numbers, self.profile.get("email"))
        self._fax_received(fax=fax.stored() | {"folder": Folder.NEW.value}, delivery=target)

    @event("FaxReceived")
    def _fax_received(self, fax: dict[str, Any], delivery: dict[str, str] | None) -> None:
        self.faxes[fax["id"]] = Fax.from_stored(fax)

    def save_fax(self, fax_id: str) -> None:
        if self.fax(fax_id).folder != Folder.SAVED:
            self._fax_saved(fax_id=fax_id)

    @event("FaxSaved")
    def _fax_saved(self, fax_id: str) -> None:
        self.faxes[fax_id].folder = Folder.SAVED

    def delete_fax(self, fax_id: str, reason: str = "deleted") -> str:
        sha = self.fax(fax_id).sha256
        self._fax_deleted(fax_id=fax_id, reason=reason)
        return sha

    @event("FaxDeleted")
    def _fax_deleted(self, fax_id: str, reason: str) -> None:
        del self.faxes[fax_id]

    # -- greetings (§3.4, §3.9, §5.1) -------------------------------------------------
    def record_greeting(self, kind: GreetingKind, recording: dict[str, Any]) -> str | None:
        """``recording``: sha256, size, duration, recorded_at. Returns the replaced sha256."""
        if kind != GreetingKind.NAME and self.owner_kind != "user":
            raise Invalid("a team has a name recording only, not greetings")
        replaced = self.greetings.get(kind, {}).get("sha256")
        greetings = {**self.greetings, kind.value: dict(recording)}
        self._greeting_changed(
            greeting=kind.value,
            recording=dict(recording),
            heard=heard(set(greetings), self.extended_absence).value,
        )
        return replaced if replaced != recording["sha256"] else None

    def remove_greeting(self, kind: GreetingKind) -> str:
        if kind not in self.greetings:
            raise NotFound(f"you have no {kind.value.replace('_', ' ')} recording")
        if kind == GreetingKind.EXTENDED_ABSENCE and self.extended_absence:
            raise Invalid("your extended absence greeting is on: turn it off before removing it")
        sha = str(self.greetings[kind]["sha256"])
        remaining = set(self.greetings) - {kind.value}
        self._greeting_changed(
            greeting=kind.value, recording=None, heard=heard(remaining, self.extended_absence).value
        )
        return sha

    @event("GreetingChanged")
    def _greeting_changed(self, greeting: str, recording: dict[str, Any] | None, heard: str) -> None:
        if recording is None:
            self.greetings.pop(greeting, None)
        else:
            self.greetings[greeting] = dict(recording)

    @property
    def time_zone(self) -> str:
        """The owner's (the directory's profile), else the service's home zone."""
        return self.profile.get("time_zone") or DEFAULT_TIME_ZONE

    def todays_greeting_over(self, now: datetime) -> bool:
        today = self.greetings.get(GreetingKind.TODAY)
        return today is not None and now >= todays_greeting_ends(today["recorded_at"], self.time_zone)

    # -- extended absence (§3.9) -------------------------------------------------------
    def enable_extended_absence(self) -> None:
        if GreetingKind.EXTENDED_ABSENCE not in self.greetings:
            raise Invalid("record your extended absence greeting first, then enable it")
        if not self.extended_absence:
            self._extended_absence_changed(enabled=True, cause="user")

    def disable_extended_absence(self, cause: str = "user") -> None:
        if self.extended_absence:
            self._extended_absence_changed(enabled=False, cause=cause)

    @event("ExtendedAbsenceChanged")
    def _extended_absence_changed(self, enabled: bool, cause: str) -> None:
        self.extended_absence = enabled

    # -- No messages (§3.6): presence tells us the owner's availability ----------------------
    def refuse_messages(self, refused: bool) -> None:
        """The owner's availability became No messages (refused) or left it."""
        if refused != self.no_messages:
            self._no_messages_changed(no_messages=refused)

    @event("NoMessagesChanged")
    def _no_messages_changed(self, no_messages: bool) -> None:
        self.no_messages = no_messages

    # -- settings, and what the directory and presence tell us ------------------------------
    def change_settings(
        self,
        voice_to_email: bool | None = None,
        fax_delivery: FaxDelivery | None = None,
        alerts: dict[str, bool] | None = None,
    ) -> None:
        """Change what is given (None keeps it); ``alerts`` names only the flags to change."""
        v2e = self.voice_to_email if voice_to_email is None else voice_to_email
        fax = self.fax_delivery if fax_delivery is None else fax_delivery.value
        if (v2e or fax == FaxDelivery.EMAIL) and not self.profile.get("email"):
            raise Invalid("you have no email address: ask an administrator to add one first")
        if alerts is not None and self.owner_kind != "user":
            raise Invalid("message alerts are a user's, not a team's")
        new_alerts = self.alerts if alerts is None else with_changes(self.alerts, alerts)
        if (v2e, fax) != (self.voice_to_email, self.fax_delivery):
            self._settings_changed(voice_to_email=v2e, fax_delivery=fax)
        if new_alerts != self.alerts:
            self._change_alerts(new_alerts)

    @event("SettingsChanged")
    def _settings_changed(self, voice_to_email: bool, fax_delivery: str) -> None:
        self.voice_to_email = voice_to_email
        self.fax_delivery = fax_delivery

    def _change_alerts(self, alerts: dict[str, bool]) -> None:
        """Message alerts (§3.5). A lamp switched on or off follows at once: the count is
        announced again with the new setting (only when there are New messages to show)."""
        light_was = self.message_waiting_light
        self._message_alerts_changed(alerts=alerts)
        if self.message_waiting_light != light_was and self.new_count:
            self._new_count_changed(
                new_count=self.new_count,
                old_count=self.new_count,
                message_waiting_light=self.message_waiting_light,
            )

    @event("MessageAlertsChanged")
    def _message_alerts_changed(self, alerts: dict[str, bool]) -> None:
        self.alerts = dict(alerts)

    def update(
        self,
        profile: dict[str, Any] | None = None,
        members: list[str] | None = None,
        fax_numbers: dict[str, str | None] | None = None,
    ) -> None:
        profile = self.profile if profile is None else {**self.profile, **profile}
        members = self.members if members is None else members
        fax_numbers = self.fax_numbers if fax_numbers is None else fax_numbers
        if (profile, members, fax_numbers, self.closed) != (
            self.profile,
            self.members,
            self.fax_numbers,
            False,
        ):
            self._updated(profile=profile, members=list(members), fax_numbers=dict(fax_numbers))

    @event("Updated")
    def _updated(
        self, profile: dict[str, Any], members: list[str], fax_numbers: dict[str, str | None]
    ) -> None:
        self.profile = dict(profile)
        self.members = list(members)
        self.fax_numbers = dict(fax_numbers)
        self.closed = False

    def know_phone_numbers(self, numbers: dict[str, str | None]) -> None:
        """Presence's desk, mobile and home numbers (for telling who a caller is)."""
        if numbers != self.phone_numbers:
            self._phone_numbers_changed(numbers=dict(numbers))

    @event("PhoneNumbersChanged")
    def _phone_numbers_changed(self, numbers: dict[str, str | None]) -> None:
        self.phone_numbers = dict(numbers)

    @property
    def calling_numbers(self) -> set[str]:
        """The numbers the owner calls from (none for a team or a closed mailbox)."""
        if self.owner_kind != "user" or self.closed:
            return set()
        return calling_numbers(self.profile, self.phone_numbers)

    @event("Closed")
    def close(self) -> None:
        self.closed = True
        self.extended_absence = False
