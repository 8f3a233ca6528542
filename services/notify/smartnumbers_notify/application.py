"""The notify application: what to deliver (intake), and each delivery's life (the dispatcher).

Intake methods return the aggregates they made, for the consumer to save together with
its tracking record; a command or event seen twice makes nothing new (the delivery's id
is derived from it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from smartnumbers_kit.dialable import to_e164
from smartnumbers_kit.errors import DomainError, NotFound
from smartnumbers_kit.store import ServiceApplication

from smartnumbers_notify.domain.delivery import Channel, Delivery
from smartnumbers_notify.domain.recipient import Recipient
from smartnumbers_notify.domain.report_schedule import ReportSchedule, checked
from smartnumbers_notify.domain.sms_limits import SmsLimits
from smartnumbers_notify.domain.sms_text import check_length


class AlreadyClaimed(Exception):
    """Another try of this delivery started, or it has finished: this one must not hand it over."""


class NotifyApplication(ServiceApplication):
    name = "notify"

    def __init__(
        self,
        env: dict[str, str] | None = None,
        *,
        clock: Callable[[], datetime],
        limits: SmsLimits,
        sms_max_parts: int = 4,
        default_country: str = "GB",
    ) -> None:
        super().__init__(env)
        self.clock = clock
        self.limits = limits
        self.sms_max_parts = sms_max_parts
        self.default_country = default_country

    # -- recipients (settings followed from their owners' events) -------------------
    def recipient(self, organisation_id: str, user_id: str) -> Recipient | None:
        try:
            recipient: Recipient = self.repository.get(Recipient.create_id(organisation_id, user_id))
        except AggregateNotFoundError:
            return None
        return recipient

    def recipient_or_new(self, organisation_id: str, user_id: str) -> Recipient:
        return self.recipient(organisation_id, user_id) or Recipient(organisation_id, user_id)

    def change_pager(self, organisation_id: str, user_id: str, number: str | None) -> str | None:
        pager = None if not number else to_e164(number, self.default_country, what="pager number")

        def command() -> list[Any]:
            recipient = self.recipient_or_new(organisation_id, user_id)
            recipient.change_pager(pager)
            return [recipient]

        self.run_command(command, key=f"{organisation_id}/{user_id}")
        return pager

    # -- intake ---------------------------------------------------------------------
    def queue_sms(
        self,
        organisation_id: str,
        user_id: str | None,
        command_id: str,
        to: str,
        text: str,
        reason: str,
        *,
        channel: Channel = Channel.SMS,
        rate_limited: bool = False,
    ) -> list[Any]:
        """An SMS (or pager message) to one number: refused at once when it cannot be sent."""
        refusal = check_length(text, self.sms_max_parts)
        try:
            number = to_e164(to, self.default_country, what="number")
        except DomainError as e:
            number, refusal = to, refusal or e.message
        if self.exists(Delivery.create_id(command_id, channel, number)):
            return []
        now = self.clock()
        if refusal is None and rate_limited:
            refusal = self.limits.refusal(organisation_id, user_id, now)
        delivery = Delivery(
            organisation_id, user_id, command_id, channel, number, reason, {"text": text}, queued_at=now
        )
        if refusal is not None:
            delivery.fail(now, refusal)
        return [delivery]

    def queue_email(
        self,
        organisation_id: str,
        user_id: str | None,
        command_id: str,
        to: str,
        subject: str,
        text: str,
        reason: str,
        attachments: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> list[Any]:
        """``extra``: an HTML body (``html``), images it shows (``related``), files (``files``), base64."""
        delivery_id = Delivery.create_id(command_id, Channel.EMAIL, to)
        if self.exists(delivery_id):
            return []
        now = self.clock()
        content = {"subject": subject, "text": text, "attachments": attachments or [], **(extra or {})}
        delivery = Delivery(organisation_id, user_id, command_id, Channel.EMAIL, to, reason, content, now)
        if "@" not in to:
            delivery.fail(now, f"{to!r} is not an email address")
        return [delivery]

    # -- management information reports (§8.1) ---------------------------------------
    def report_schedule(self, organisation_id: str) -> ReportSchedule | None:
        try:
            schedule: ReportSchedule = self.repository.get(ReportSchedule.create_id(organisation_id))
        except AggregateNotFoundError:
            return None
        return schedule

    def set_report_schedule(
        self, organisation_id: str, reports: list[str], frequency: str, time_zone: str, recipients: list[str]
    ) -> ReportSchedule:
        checked(reports, frequency, time_zone, recipients)
        result: list[ReportSchedule] = []

        def command() -> list[Any]:
            schedule = self.report_schedule(organisation_id)
            if schedule is None:
                schedule = ReportSchedule(
                    organisation_id, reports, frequency, time_zone, recipients, self.clock()
                )
            else:
                schedule.change(reports, frequency, time_zone, recipients, self.clock())
            result[:] = [schedule]
            return [schedule]

        self.run_command(command, key=f"{organisation_id}/reports")
        return result[0]

    def stop_report_schedule(self, organisation_id: str) -> None:
        """No more reports for the organisation (its schedule is kept, stopped, with what was sent)."""

        def command() -> list[Any]:
            schedule = self.report_schedule(organisation_id)
            if schedule is None or schedule.stopped:
                raise NotFound("no reports are scheduled for your organisation")
            schedule.stop(self.clock())
            return [schedule]

        self.run_command(command, key=f"{organisation_id}/reports")

    def record_report(
        self,
        schedule_id: UUID,
        start: datetime,
        end: datetime,
        subject: str,
        text: str,
        content: dict[str, Any],
    ) -> None:
        """The period is reported: one email per recipient, saved with the schedule's ``Reported``."""

        def command() -> list[Any]:
            schedule: ReportSchedule = self.repository.get(schedule_id)
            if schedule.reported_until is not None and schedule.reported_until >= end:
                return []
            schedule.reported(start, end, self.clock())
            command_id = f"report:{schedule.organisation_id}:{start.isoformat()}:{end.isoformat()}"
            made: list[Any] = [schedule]
            for to in schedule.recipients:
                made += self.queue_email(
                    schedule.organisation_id, None, command_id, to, subject, text, "report", extra=content
                )
            return made

        self.run_command(command, key=f"{schedule_id}")

    # -- a delivery's life (the dispatcher) --------------------------------------------
    def delivery(self, delivery_id: UUID) -> Delivery:
        try:
            delivery: Delivery = self.repository.get(delivery_id)
        except AggregateNotFoundError:
            raise NotFound("there is no such delivery") from None
        return delivery

    def start_attempt(self, delivery_id: UUID) -> None:
        """Claim the delivery for one try: on its version, so of two replicas claiming it at
        once one wins and the other finds it taken (``AlreadyClaimed``) and hands nothing over."""

        def claim(d: Delivery) -> None:
            if not d.pending:
                raise AlreadyClaimed(f"delivery {delivery_id} is {d.status}: not trying it again")
            d.start_attempt(self.clock())

        self._change(delivery_id, claim)

    def record_sent(self, delivery_id: UUID, detail: str) -> None:
        self._change(delivery_id, lambda d: d.sent(self.clock(), detail))

    def record_transient_failure(
        self, delivery_id: UUID, error: str, backoff: list[float], max_attempts: int, *, claimed: bool
    ) -> Delivery:
        def change(d: Delivery) -> None:
            if not claimed:
                d.start_attempt(self.clock())
            d.attempt_failed(self.clock(), error, backoff, max_attempts)

        return self._change(delivery_id, change)

    def record_failure(
        self, delivery_id: UUID, error: str, *, tried: bool = True, claimed: bool = True
    ) -> None:
        """Failed for good; ``tried`` and not ``claimed``: the server refused it before it was handed over."""

        def change(d: Delivery) -> None:
            if tried and not claimed:
                d.start_attempt(self.clock())
            d.fail(self.clock(), error)

        self._change(delivery_id, change)

    def _change(self, delivery_id: UUID, change: Callable[[Delivery], None]) -> Delivery:
        changed: list[Delivery] = []

        def command() -> list[Any]:
            delivery = self.delivery(delivery_id)
            change(delivery)
            changed[:] = [delivery]
            return [delivery]

        self.run_command(command, key=str(delivery_id))
        return changed[0]

    def exists(self, aggregate_id: UUID) -> bool:
        try:
            self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True
