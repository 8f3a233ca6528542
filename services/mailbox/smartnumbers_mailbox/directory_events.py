"""What the mailbox learns from the directory: users and teams, their profiles and members."""

from __future__ import annotations

from typing import Any

from smartnumbers_contracts import directory
from smartnumbers_kit.runtime import Subscription

from smartnumbers_mailbox.application import MailboxApplication
from smartnumbers_mailbox.domain.mailbox import Mailbox


def _profile(
    display_name: str, profile: directory.UserProfile | None, smartnumber: str | None = None
) -> dict[str, Any]:
    p = profile or directory.UserProfile(display_name=display_name, smartnumber=smartnumber)
    return {
        "display_name": p.display_name,
        "smartnumber": p.smartnumber,
        "mailbox_number": p.mailbox_number,
        "email": p.email,
        "time_zone": p.time_zone,
        "language": p.language,
    }


def directory_subscription(app: MailboxApplication) -> Subscription:
    def user_created(e: directory.UserCreated) -> list[Any]:
        return app.owner_known(
            e.organisation_id, ("user", e.user_id), profile=_profile(e.display_name, e.profile, e.smartnumber)
        )

    def user_updated(e: directory.UserUpdated) -> list[Any]:
        return app.owner_known(e.organisation_id, ("user", e.user_id), profile=_profile("", e.profile))

    def user_removed(e: directory.UserRemoved) -> list[Any]:
        return app.user_removed(e.organisation_id, e.user_id)

    def team_defined(e: directory.TeamCreated | directory.TeamUpdated) -> list[Any]:
        return app.owner_known(
            e.organisation_id,
            ("team", e.team_id),
            profile={"display_name": e.team.name},
            members=e.team.members,
        )

    def team_removed(e: directory.TeamRemoved) -> list[Any]:
        return app.owner_changed(e.organisation_id, ("team", e.team_id), Mailbox.close)

    return Subscription(
        domain="directory",
        durable="mailbox-directory",
        handlers={
            directory.UserCreated: user_created,
            directory.UserUpdated: user_updated,
            directory.UserRemoved: user_removed,
            directory.TeamCreated: team_defined,
            directory.TeamUpdated: team_defined,
            directory.TeamRemoved: team_removed,
        },
    )
