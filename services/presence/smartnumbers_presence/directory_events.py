"""What presence learns from the directory's events: organisations (and their location
policy), users, team memberships."""

from __future__ import annotations

from typing import Any

from smartnumbers_contracts import directory
from smartnumbers_kit.runtime import Subscription

from smartnumbers_presence.application import PresenceApplication


def directory_subscription(app: PresenceApplication) -> Subscription:
    def organisation_configured(e: directory.OrganisationConfigured) -> list[Any]:
        return app.organisation_configured(e.organisation_id, e.name, e.default_country)

    def location_policy_changed(e: directory.LocationPolicyChanged) -> list[Any]:
        return app.location_policy_changed(e.organisation_id, [k.value for k in e.allowed])

    def user_created(e: directory.UserCreated) -> list[Any]:
        return app.user_created(e.organisation_id, e.user_id, e.display_name)

    def user_updated(e: directory.UserUpdated) -> list[Any]:
        return app.user_updated(e.organisation_id, e.user_id, e.profile.display_name)

    def user_removed(e: directory.UserRemoved) -> list[Any]:
        return app.user_removed(e.organisation_id, e.user_id)

    def user_teams_changed(e: directory.UserTeamsChanged) -> list[Any]:
        return app.user_teams_changed(e.organisation_id, e.user_id, e.active_in)

    return Subscription(
        domain="directory",
        durable="presence-directory",
        handlers={
            directory.OrganisationConfigured: organisation_configured,
            directory.LocationPolicyChanged: location_policy_changed,
            directory.UserCreated: user_created,
            directory.UserUpdated: user_updated,
            directory.UserRemoved: user_removed,
            directory.UserTeamsChanged: user_teams_changed,
        },
    )
