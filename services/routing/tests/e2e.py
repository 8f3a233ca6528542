"""Routing and presence as real processes on a real nats-server, the directory stood in for."""

from __future__ import annotations

from pathlib import Path

from smartnumbers_contracts import directory as wire
from smartnumbers_kit.devdirectory import publish
from smartnumbers_kit.serviceprocess import ServiceProcess, service_process

from services.presence.tests.e2e import envelope


def routing_process(tmp: Path, nats_url: str, public_key: Path, **env: str) -> ServiceProcess:
    return service_process("routing", tmp / "var-routing", nats_url, public_key, tmp / "routing.log", **env)


async def create_people(
    nats_url: str, org: str, people: dict[str, str], mailboxes: dict[str, str] | None = None
) -> None:
    """people: user id → smartnumber; mailboxes: user id → mailbox number (for some of them)."""
    await publish(
        nats_url,
        wire.OrganisationConfigured(**envelope(org), name=org, default_country="GB"),
        *(
            wire.UserCreated(
                **envelope(org),
                user_id=user,
                display_name=user.title(),
                profile=wire.UserProfile(
                    display_name=user.title(), smartnumber=number, mailbox_number=(mailboxes or {}).get(user)
                ),
            )
            for user, number in people.items()
        ),
    )
