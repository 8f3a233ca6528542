"""The record of one call (user guide §8.2): who called, who it was for, who took it, how long."""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class CallRecord(Aggregate):
    @staticmethod
    def create_id(organisation_id: str, call_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:routing:call:{organisation_id}:{call_id}")

    @event("Started")
    def __init__(
        self,
        organisation_id: str,
        call_id: str,
        direction: str,
        caller_number: str | None,
        caller_user_id: str | None,
        dialled: str,
        intended_user_id: str | None,
        intended_team_id: str | None,
        started_at: datetime,
    ) -> None:
        self.organisation_id = organisation_id
        self.call_id = call_id
        self.direction = direction
        self.caller_number = caller_number
        self.caller_user_id = caller_user_id
        self.dialled = dialled
        self.intended_user_id = intended_user_id
        self.intended_team_id = intended_team_id
        self.started_at = started_at
        self.rang: list[str] = []
        self.rings: list[tuple[str, datetime]] = []
        """(number, when) of every number seen ringing, in order."""
        self.dial_ends: list[tuple[str, str, datetime, int]] = []
        """(number, Asterisk's DIALSTATUS, when, how many rings were recorded before it) of every
        dial of a target that ended: tells busy from no answer."""
        self.first_ring_at: datetime | None = None
        self.answered_by: str | None = None
        self.answered_number: str | None = None
        self.answered_at: datetime | None = None
        self.transferred_to: str | None = None
        self.voicemail_mailbox: str | None = None
        self.voicemail_at: datetime | None = None
        self.ended_at: datetime | None = None
        self.hung_up_by: str | None = None
        self.outcome: str | None = None

    @event("Rang")
    def ring(self, user_id: str | None, number: str | None, at: datetime) -> None:
        if self.first_ring_at is None:
            self.first_ring_at = at
        if number:
            self.rings.append((number, at))
        if user_id and user_id not in self.rang:
            self.rang.append(user_id)

    @event("DialEnded")
    def dial_ended(self, number: str, status: str, at: datetime) -> None:
        self.dial_ends.append((number, status, at, len(self.rings)))

    def answer(self, user_id: str | None, number: str | None, at: datetime) -> bool:
        """Returns True when this answer delivered a user's call to someone else (a delegate)."""
        if self.answered_at is not None:
            return False
        self._answered(user_id=user_id, number=number, at=at)
        return self.delegated_answer

    @property
    def delegated_answer(self) -> bool:
        return (
            self.intended_team_id is None
            and self.intended_user_id is not None
            and self.answered_by is not None
            and self.answered_by != self.intended_user_id
        )

    @event("Answered")
    def _answered(self, user_id: str | None, number: str | None, at: datetime) -> None:
        self.answered_by, self.answered_number, self.answered_at = user_id, number, at

    @event("Transferred")
    def transfer(self, user_id: str | None, number: str | None, at: datetime) -> None:
        self.transferred_to = user_id or number

    @event("VoicemailLeft")
    def leave_voicemail(self, mailbox: str, at: datetime) -> None:
        self.voicemail_mailbox, self.voicemail_at = mailbox, at
        if self.outcome in ("missed", "lost"):  # the message was deposited after the hang-up
            self.outcome = "voicemail"

    def end(self, hung_up_by: str, cause: str, at: datetime) -> None:
        if self.ended_at is not None:
            return
        if self.answered_at is not None:
            outcome = "answered"
        elif self.voicemail_at is not None:
            outcome = "voicemail"
        elif hung_up_by == "caller":
            outcome = "lost"
        else:
            outcome = "missed"
        self._ended(hung_up_by=hung_up_by, cause=cause, at=at, outcome=outcome)

    @event("Ended")
    def _ended(self, hung_up_by: str, cause: str, at: datetime, outcome: str) -> None:
        self.ended_at, self.hung_up_by, self.outcome = at, hung_up_by, outcome

    # -- figures ---------------------------------------------------------------------------
    @property
    def actual_recipient(self) -> str | None:
        if self.answered_by:
            return self.answered_by
        if self.voicemail_mailbox:
            return f"voicemail:{self.voicemail_mailbox}"
        return None

    @property
    def ring_seconds(self) -> float:
        until = self.answered_at or self.voicemail_at or self.ended_at
        return max(0.0, (until - self.started_at).total_seconds()) if until else 0.0

    @property
    def talk_seconds(self) -> float:
        if self.answered_at is None or self.ended_at is None:
            return 0.0
        return max(0.0, (self.ended_at - self.answered_at).total_seconds())

    @property
    def missed(self) -> bool:
        return self.outcome in ("missed", "voicemail", "lost")

    def involves(self, user_id: str) -> bool:
        return user_id in (self.caller_user_id, self.intended_user_id, self.answered_by)
