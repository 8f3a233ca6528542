"""What the directory learns from presence's events: each user's location and availability (§4.3)."""

from __future__ import annotations

from typing import Any

from smartnumbers_contracts import presence
from smartnumbers_directory.application import DirectoryApplication
from smartnumbers_kit.runtime import Subscription


def presence_subscription(app: DirectoryApplication) -> Subscription:
    def location_changed(e: presence.LocationChanged) -> list[Any]:
        return app.presence_seen(e.organisation_id, e.user_id, location=e.location.value)

    def availability_changed(e: presence.AvailabilityChanged) -> list[Any]:
        return app.presence_seen(e.organisation_id, e.user_id, availability=e.availability.value)

    return Subscription(
        domain="presence",
        durable="directory-presence",
        handlers={
            presence.LocationChanged: location_changed,
            presence.AvailabilityChanged: availability_changed,
        },
    )
