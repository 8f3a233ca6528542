"""What notify does with the commands queued for it on the NOTIFY stream (directory, mailbox)."""

from __future__ import annotations

from typing import Any

from smartnumbers_contracts import notify
from smartnumbers_kit.runtime import Subscription

from smartnumbers_notify.application import NotifyApplication


def command_subscription(app: NotifyApplication) -> Subscription:
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
        return app.queue_email(
            c.organisation_id,
            c.user_id,
            str(c.event_id),
            c.to,
            c.title,
            c.body,
            c.reason,
            [a.model_dump() for a in c.attachments],
        )

    return Subscription(
        domain="notify",
        durable="notify-commands",
        handlers={notify.SendSms: send_sms, notify.SendEmail: send_email},
    )
