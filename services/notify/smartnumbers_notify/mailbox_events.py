"""What notify does with the mailbox's events: alert preferences, and new voicemail and faxes (§3.5)."""

from __future__ import annotations

from typing import Any

from smartnumbers_contracts import mailbox
from smartnumbers_kit.runtime import Subscription

from smartnumbers_notify.alerts import Alerts
from smartnumbers_notify.application import NotifyApplication


def mailbox_subscription(app: NotifyApplication, alerts: Alerts) -> Subscription:
    def alerts_changed(e: mailbox.MessageAlertsChanged) -> list[Any]:
        if e.owner_kind != mailbox.OwnerKind.USER:
            return []
        recipient = app.recipient_or_new(e.organisation_id, e.owner_id)
        recipient.change_alerts(e.alerts.model_dump())
        return [recipient]

    def deposited(e: mailbox.MessageDeposited) -> list[Any]:
        if e.owner_kind != mailbox.OwnerKind.USER:
            return []  # a team's mailbox: its members read it; no personal alert
        return alerts.new_message(
            e.organisation_id,
            e.owner_id,
            str(e.event_id),
            kind="voicemail",
            message_id=e.message_id,
            arrived_at=e.occurred_at,
            caller_number=e.caller_number,
            caller_name=e.caller_name,
            urgent=e.urgent,
            duration=e.duration_seconds,
        )

    def fax_received(e: mailbox.FaxReceived) -> list[Any]:
        if e.owner_kind != mailbox.OwnerKind.USER:
            return []
        return alerts.new_message(
            e.organisation_id,
            e.owner_id,
            str(e.event_id),
            kind="fax",
            message_id=e.fax_id,
            arrived_at=e.occurred_at,
            caller_number=e.caller_number,
            pages=e.pages,
        )

    return Subscription(
        domain="mailbox",
        durable="notify-mailbox",
        handlers={
            mailbox.MessageAlertsChanged: alerts_changed,
            mailbox.MessageDeposited: deposited,
            mailbox.FaxReceived: fax_received,
        },
    )
