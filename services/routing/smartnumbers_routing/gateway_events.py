"""What routing does with the gateway's call events: keep the call records (§8.2)."""

from __future__ import annotations

from smartnumbers_contracts import calls
from smartnumbers_kit.runtime import Subscription

from smartnumbers_routing.application import RoutingApplication


def gateway_subscription(app: RoutingApplication) -> Subscription:
    return Subscription(
        domain="gateway",
        durable="routing-gateway",
        handlers={
            calls.CallStarted: app.call_started,
            calls.CallRinging: app.call_ringing,
            calls.CallAnswered: app.call_answered,
            calls.CallDialEnded: app.call_dial_ended,
            calls.CallTransferred: app.call_transferred,
            calls.VoicemailLeft: app.voicemail_left,
            calls.CallEnded: app.call_ended,
        },
    )
