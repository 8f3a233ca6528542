"""What notify learns from the directory: each user's name, email, mobile and time zone."""

from __future__ import annotations

from typing import Any

from smartnumbers_contracts import directory
from smartnumbers_kit.runtime import Subscription

from smartnumbers_notify.application import NotifyApplication


def directory_subscription(app: NotifyApplication) -> Subscription:
    def user_created(e: directory.UserCreated) -> list[Any]:
        profile = e.profile.model_dump() if e.profile else {"display_name": e.display_name}
        recipient = app.recipient_or_new(e.organisation_id, e.user_id)
        recipient.change_profile(profile)
        return [recipient]

    def user_updated(e: directory.UserUpdated) -> list[Any]:
        recipient = app.recipient_or_new(e.organisation_id, e.user_id)
        recipient.change_profile(e.profile.model_dump())
        return [recipient]

    def user_removed(e: directory.UserRemoved) -> list[Any]:
        recipient = app.recipient(e.organisation_id, e.user_id)
        if recipient is None:
            return []
        recipient.remove()
        return [recipient]

    return Subscription(
        domain="directory",
        durable="notify-directory",
        handlers={
            directory.UserCreated: user_created,
            directory.UserUpdated: user_updated,
            directory.UserRemoved: user_removed,
        },
    )
