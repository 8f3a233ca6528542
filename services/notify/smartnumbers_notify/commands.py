"""What notify does with the commands queued for it on the NOTIFY stream (directory, mailbox)."""

from __future__ import annotations

from typing import Any

from smartnumbers_contracts import notify
from smartnumbers_kit.runtime import Subscription

from smartnumbers_notify.application import NotifyApplication
from smartnumbers_notify.templates import Templates


def worded(app: NotifyApplication, templates: Templates, c: notify.SendEmail) -> tuple[str, str]:
    """The subject and text: from notify's templates in the user's time zone when the command
    says what it carries, else as the sender wrote them."""
    if c.about is None or c.about.kind not in ("voicemail", "fax"):
        return c.title, c.body
    recipient = app.recipient(c.organisation_id, c.user_id)
    a = c.about
    context = {
        "reason": c.reason,
        "name": recipient.display_name if recipient else c.user_id,
        "time_zone": recipient.time_zone if recipient else "Europe/London",
        "caller": a.caller_name or a.caller_number or "an unknown caller",
        "caller_name": a.caller_name,
        "caller_number": a.caller_number,
        "arrived_at": a.arrived_at,
        "duration_seconds": a.duration_seconds or 0.0,
        "pages": a.pages,
    }
    return (
        templates.render(f"emailed_{a.kind}.subject.j2", **context),
        templates.render(f"emailed_{a.kind}.j2", **context),
    )


def command_subscription(app: NotifyApplication, templates: Templates) -> Subscription:
    def send_sms(c: notify.SendSms) -> list[Any]:
        return app.queue_sms(
            c.organisation_id,
            c.requested_by,
            str(c.event_id),
            c.to,
            c.text,
            "group_sms" if c.group_id else "sms",
            rate_limited=True,
        )

    def send_email(c: notify.SendEmail) -> list[Any]:
        subject, text = worded(app, templates, c)
        return app.queue_email(
            c.organisation_id,
            c.user_id,
            str(c.event_id),
            c.to,
            subject,
            text,
            c.reason,
            [a.model_dump() for a in c.attachments],
        )

    return Subscription(
        domain="notify",
        durable="notify-commands",
        handlers={notify.SendSms: send_sms, notify.SendEmail: send_email},
    )
