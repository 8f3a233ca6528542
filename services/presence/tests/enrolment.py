"""What the directory's events do, applied straight to the presence application."""

from __future__ import annotations

from smartnumbers_presence.application import PresenceApplication


def enrol(app: PresenceApplication, org: str, *users: str, country: str = "GB") -> None:
    """What the directory's events do: the organisation and its users exist."""
    app.save(*app.organisation_configured(org, org.title(), country))
    for user in users:
        app.save(*app.user_created(org, user, user.title()))
