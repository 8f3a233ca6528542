"""Lost-call and delegated-call reports (§3.6.6-3.6.9): presence's settings, routing's call events."""

from __future__ import annotations

from typing import Any

from smartnumbers_contracts import presence, routing
from smartnumbers_kit.runtime import Subscription

from smartnumbers_notify.alerts import Alerts
from smartnumbers_notify.application import NotifyApplication


def presence_subscription(app: NotifyApplication) -> Subscription:
    def call_reporting_changed(e: presence.CallReportingChanged) -> list[Any]:
        recipient = app.recipient_or_new(e.organisation_id, e.user_id)
        recipient.change_call_reporting(e.lost_calls, e.delegated_calls)
        return [recipient]

    return Subscription(
        domain="presence",
        durable="notify-presence",
        handlers={presence.CallReportingChanged: call_reporting_changed},
    )


def routing_subscription(alerts: Alerts) -> Subscription:
    def call_lost(e: routing.CallLost) -> list[Any]:
        if e.intended_user_id is None:
            return []  # a team's lost calls: reported to its members by a later change
        return alerts.lost_call(
            e.organisation_id,
            e.intended_user_id,
            str(e.event_id),
            at=e.occurred_at,
            caller=e.caller_number or "a withheld number",
            ring_seconds=e.ring_seconds,
        )

    def call_delegated(e: routing.CallDelegated) -> list[Any]:
        return alerts.delegated_call(
            e.organisation_id,
            e.intended_user_id,
            str(e.event_id),
            at=e.occurred_at,
            caller=e.caller_number or "a withheld number",
            delegate_id=e.delegate_id,
            answered=e.answered,
        )

    return Subscription(
        domain="routing",
        durable="notify-routing",
        handlers={routing.CallLost: call_lost, routing.CallDelegated: call_delegated},
    )
