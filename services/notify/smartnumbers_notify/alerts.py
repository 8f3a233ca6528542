"""Which alerts leave for an event, following the user's own settings (§3.5, §3.6.6-3.6.9).

Each returns the aggregates it made (deliveries, the alert decision), for the consumer to
save with its tracking record. A delivery's id comes from the event id, so an event seen
twice sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from smartnumbers_notify.application import NotifyApplication
from smartnumbers_notify.domain.delivery import Channel
from smartnumbers_notify.domain.message_alert import MessageAlert
from smartnumbers_notify.templates import Templates


class Alerts:
    def __init__(self, app: NotifyApplication, templates: Templates) -> None:
        self.app = app
        self.templates = templates

    def new_message(
        self,
        organisation_id: str,
        user_id: str,
        source_id: str,
        *,
        kind: str,
        message_id: str,
        arrived_at: datetime,
        caller_number: str | None,
        caller_name: str | None = None,
        urgent: bool = False,
        duration: float = 0.0,
        pages: int = 0,
    ) -> list[Any]:
        recipient = self.app.recipient(organisation_id, user_id)
        if recipient is None or recipient.removed:
            return []
        chosen = [c for c in ("call", "sms", "email", "pager") if recipient.alerts.get(c)]
        if not chosen or self.app.exists(MessageAlert.create_id(source_id)):
            return []
        context = {
            "kind": kind,
            "name": recipient.display_name,
            "mailbox": "your mailbox",
            "caller": caller_name or caller_number or "an unknown caller",
            "caller_number": caller_number,
            "arrived_at": arrived_at,
            "time_zone": recipient.time_zone,
            "urgent": urgent,
            "duration_seconds": duration,
            "pages": pages,
        }
        made: list[Any] = [
            MessageAlert(source_id, organisation_id, user_id, "user", user_id, message_id, kind, chosen)
        ]
        profile = recipient.profile
        reason = f"new_{kind}_alert"
        if "sms" in chosen and profile.get("sms_number"):
            text = self.templates.render("new_message.sms.j2", **context)
            made += self.app.queue_sms(
                organisation_id, user_id, source_id, profile["sms_number"], text, reason
            )
        if "pager" in chosen and recipient.pager_number:
            text = self.templates.render("new_message.pager.j2", **context)
            made += self.app.queue_sms(
                organisation_id,
                user_id,
                source_id,
                recipient.pager_number,
                text,
                reason,
                channel=Channel.PAGER,
            )
        if "email" in chosen and profile.get("email"):
            subject = self.templates.render("new_message.subject.j2", **context)
            body = self.templates.render("new_message.email.j2", **context)
            made += self.app.queue_email(
                organisation_id, user_id, source_id, profile["email"], subject, body, reason
            )
        return made

    def lost_call(
        self,
        organisation_id: str,
        user_id: str,
        source_id: str,
        *,
        at: datetime,
        caller: str,
        ring_seconds: float,
    ) -> list[Any]:
        return self._call_report(
            organisation_id,
            user_id,
            source_id,
            "lost_calls",
            "lost_call.sms.j2",
            at=at,
            caller=caller,
            team=None,
            ring_seconds=f"{ring_seconds:.0f}",
        )

    def delegated_call(
        self,
        organisation_id: str,
        user_id: str,
        source_id: str,
        *,
        at: datetime,
        caller: str,
        delegate_id: str,
        answered: bool,
    ) -> list[Any]:
        delegate = self.app.recipient(organisation_id, delegate_id)
        return self._call_report(
            organisation_id,
            user_id,
            source_id,
            "delegated_calls",
            "delegated_call.sms.j2",
            at=at,
            caller=caller,
            delegate=delegate.display_name if delegate else delegate_id,
            answered=answered,
        )

    def _call_report(
        self, organisation_id: str, user_id: str, source_id: str, setting: str, template: str, **context: Any
    ) -> list[Any]:
        recipient = self.app.recipient(organisation_id, user_id)
        if recipient is None or recipient.removed or not recipient.call_reporting.get(setting):
            return []
        number = recipient.profile.get("sms_number")
        if not number:
            return []
        text = self.templates.render(template, time_zone=recipient.time_zone, **context)
        reason = setting.removesuffix("s")
        return self.app.queue_sms(organisation_id, user_id, source_id, number, text, reason)
