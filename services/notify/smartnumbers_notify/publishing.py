"""Stored domain events → wire contracts (what the relay publishes).

Notify tells what became of each delivery, and asks the gateway for the call-to-location
alert of a new message (§3.5) when the user chose it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from smartnumbers_contracts import Contract, gateway
from smartnumbers_contracts import notify as wire
from smartnumbers_kit.publishing import envelope

from smartnumbers_notify.application import NotifyApplication
from smartnumbers_notify.domain.delivery import Delivery
from smartnumbers_notify.domain.message_alert import MessageAlert


class NotifyContracts:
    """Callable for the relay: one domain event in, the contracts to publish out."""

    def __init__(self, app: NotifyApplication) -> None:
        self.app = app

    def __call__(self, event: Any) -> Sequence[Contract]:
        name = type(event).__name__
        if isinstance(event, MessageAlert.Event) and name == "Decided":
            alert: MessageAlert = self.app.repository.get(
                event.originator_id, version=event.originator_version
            )
            if "call" not in alert.channels:
                return []
            return [
                gateway.CallMessageAlert(
                    **envelope(event, alert.organisation_id),
                    user_id=alert.user_id,
                    owner_kind=alert.owner_kind,
                    owner_id=alert.owner_id,
                    message_id=alert.message_id,
                    kind=alert.kind,
                )
            ]
        if not isinstance(event, Delivery.Event) or name not in ("Sent", "Failed"):
            return []
        d: Delivery = self.app.repository.get(event.originator_id, version=event.originator_version)
        common = envelope(event, d.organisation_id) | {
            "delivery_id": str(d.id),
            "command_id": d.command_id,
            "user_id": d.user_id,
            "channel": d.channel,
            "to": d.to,
            "reason": d.reason,
            "attempts": d.attempts,
        }
        if name == "Sent":
            return [wire.DeliverySent(**common)]
        return [wire.DeliveryFailed(**common, error=d.error or "")]
