"""What the mailbox learns from presence: a selected location ends extended absence
(§3.9.3, re-selecting the same location included), availability No messages (§3.6: callers
cannot leave a message), the fax numbers of §5.5, and the numbers a user calls from (§5.3.3)."""

from __future__ import annotations

from typing import Any

from smartnumbers_contracts import presence
from smartnumbers_kit.runtime import Subscription

from smartnumbers_mailbox.application import MailboxApplication
from smartnumbers_mailbox.domain.caller_numbers import CALLING_NUMBER_KINDS

FAX_KINDS = ("office_fax", "home_fax", "temporary_fax")


def presence_subscription(app: MailboxApplication) -> Subscription:
    def location_changed(e: presence.LocationChanged) -> list[Any]:
        if e.cause != presence.LocationCause.SELECTED:
            return []  # logged out by hot-desking or a number change: not the user's choice
        return app.owner_changed(
            e.organisation_id,
            ("user", e.user_id),
            lambda m: m.disable_extended_absence(cause="location_selected"),
        )

    def availability_changed(e: presence.AvailabilityChanged) -> list[Any]:
        refused = e.availability == presence.Availability.NO_MESSAGES  # §3.6: callers cannot leave one
        return app.owner_changed(e.organisation_id, ("user", e.user_id), lambda m: m.refuse_messages(refused))

    def numbers_changed(e: presence.NumbersChanged) -> list[Any]:
        numbers = {kind: getattr(e.numbers, kind) for kind in FAX_KINDS}
        phones = {kind: getattr(e.numbers, kind) for kind in CALLING_NUMBER_KINDS}
        return app.fax_numbers_known(e.organisation_id, e.user_id, numbers, phones)

    return Subscription(
        domain="presence",
        durable="mailbox-presence",
        handlers={
            presence.LocationChanged: location_changed,
            presence.AvailabilityChanged: availability_changed,
            presence.NumbersChanged: numbers_changed,
        },
    )
