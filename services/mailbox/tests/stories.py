"""Small factories for the mailbox's application tests."""

from __future__ import annotations

from smartnumbers_mailbox.application import MailboxApplication


def enrol(
    app: MailboxApplication, org: str, *users: str, time_zone: str = "Europe/London", email: str | None = None
) -> None:
    """What the directory's events do: the users exist, each with a mailbox."""
    for user in users:
        profile = {
            "display_name": user.title(),
            "time_zone": time_zone,
            "email": email,
            "mailbox_number": None,
        }
        app.save(*app.owner_known(org, ("user", user), profile=profile))


def team(app: MailboxApplication, org: str, team_id: str, members: list[str]) -> None:
    app.save(*app.owner_known(org, ("team", team_id), profile={"display_name": team_id}, members=members))
