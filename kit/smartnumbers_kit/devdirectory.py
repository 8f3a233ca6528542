"""``smartnumbers-dev``: publish directory events straight on the bus, without the directory service.

For experiments and tests of the services that follow the directory (presence, routing,
the mailbox) with no directory running, or to replay a situation by hand. It publishes the
directory's own contracts, as the directory does; the directory itself does not see them
(its store is the source of truth: use its API or ``smartnumbers-directory-admin`` for real
organisations and users).

    smartnumbers-dev org acme --name "Acme Ltd" --country GB
    smartnumbers-dev user acme alice --name "Alice Archer"
    smartnumbers-dev teams acme alice sales support
    smartnumbers-dev remove acme alice

Under ``make run`` it connects as the NATS operator user (see ``--nats``).
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import nats
from smartnumbers_contracts import Contract
from smartnumbers_contracts import directory as wire

from smartnumbers_kit import bus
from smartnumbers_kit.natsauth import NATS_HELP, default_nats_url, redact


async def publish(url: str, *contracts: Contract) -> None:
    async def quiet(_: Exception) -> None:
        pass

    try:
        nc = await nats.connect(
            url,
            name="smartnumbers-dev",
            connect_timeout=2,
            max_reconnect_attempts=3,
            allow_reconnect=False,
            error_cb=quiet,
        )
    except Exception as e:
        raise SystemExit(
            f"cannot reach NATS at {redact(url)} ({e}): is `make run` running? (or set NATS_URL)"
        ) from None
    try:
        js = nc.jetstream()
        await bus.ensure_stream(js, "directory")
        for contract in contracts:
            await js.publish(
                contract.subject, contract.to_bytes(), headers={"Nats-Msg-Id": str(contract.event_id)}
            )
    finally:
        await nc.drain()


def _envelope(org: str) -> dict[str, Any]:
    return {"event_id": uuid.uuid4(), "organisation_id": org, "occurred_at": datetime.now(UTC)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="smartnumbers-dev", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nats", default=default_nats_url(), help=NATS_HELP)
    commands = parser.add_subparsers(dest="command", required=True)
    org = commands.add_parser("org", help="publish that an organisation exists, with its settings")
    org.add_argument("org")
    org.add_argument("--name", default=None)
    org.add_argument("--country", default="GB", help="ISO 3166 code for national numbers")
    user = commands.add_parser("user", help="publish that a user was created")
    user.add_argument("org")
    user.add_argument("user")
    user.add_argument("--name", default=None, help="display name")
    user.add_argument("--smartnumber", default=None)
    teams = commands.add_parser("teams", help="publish the teams and queues a user is active in")
    teams.add_argument("org")
    teams.add_argument("user")
    teams.add_argument("teams", nargs="*")
    remove = commands.add_parser("remove", help="publish that a user was removed")
    remove.add_argument("org")
    remove.add_argument("user")
    args = parser.parse_args(argv)

    envelope = _envelope(args.org)
    contract: Contract
    if args.command == "org":
        contract = wire.OrganisationConfigured(
            **envelope, name=args.name or args.org, default_country=args.country
        )
    elif args.command == "user":
        contract = wire.UserCreated(
            **envelope, user_id=args.user, display_name=args.name or args.user, smartnumber=args.smartnumber
        )
    elif args.command == "teams":
        contract = wire.UserTeamsChanged(**envelope, user_id=args.user, active_in=args.teams)
    else:
        contract = wire.UserRemoved(**envelope, user_id=args.user)
    asyncio.run(publish(args.nats, contract))
    print(f"published {contract.subject} {contract.event_id}")


if __name__ == "__main__":
    main()
