"""``smartnumbers-directory-admin``: create an organisation and its first administrator.

When the directory is running (``DIRECTORY_PORT`` on this machine, or ``--url``) and is
the one that signs with this installation's key, the command goes through it
(``POST /v1/organisations`` with a founding token it signs for a minute), so the new
administrator can sign in at once. When none answers, it writes straight into the
directory's event store (the same settings as the service: ``PERSISTENCE``, ``VAR_DIR``,
``POSTGRES_*``); the service reads it when it starts. Either way, the administrator then
signs in and creates everyone else through the API, and the service publishes the new
organisation and user from its log, as for any other change.

    smartnumbers-directory-admin create-organisation --org acme --name "Acme Ltd" --country GB \\
        --admin alice --admin-name "Alice Archer" --admin-smartnumber "01632 960001" --admin-password 739182
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import httpx
from smartnumbers_directory.bootstrap import application
from smartnumbers_directory.http.founding import FOUNDER, FOUNDING_SCOPE
from smartnumbers_directory.settings import DirectorySettings
from smartnumbers_directory.signing import TokenIssuer
from smartnumbers_kit.auth import Role
from smartnumbers_kit.errors import DomainError

FOUNDING_TOKEN_SECONDS = 60


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="smartnumbers-directory-admin",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-organisation", help="an organisation and its first administrator")
    create.add_argument("--org", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--country", default="GB", help="ISO 3166 code for national numbers")
    create.add_argument("--password-min-length", type=int, default=6)
    create.add_argument("--admin", required=True, help="the administrator's user id")
    create.add_argument("--admin-name", default=None, help="display name")
    create.add_argument("--admin-smartnumber", default=None)
    create.add_argument("--admin-password", required=True, help="initial password (changed at first sign-in)")
    create.add_argument("--url", default=None, help="the running directory (default: this machine's port)")
    create.add_argument(
        "--store", action="store_true", help="write into the store even if a directory is running"
    )
    args = parser.parse_args(argv)

    settings = DirectorySettings()
    key = settings.signing_key_path()
    issuer = (
        TokenIssuer(key.read_bytes(), audience=settings.jwt_audience, access_seconds=FOUNDING_TOKEN_SECONDS)
        if key.exists()
        else None
    )
    url = args.url or f"http://{settings.host}:{settings.port}"
    if not args.store and issuer is not None and _our_directory_answers(url, issuer):
        _through_the_service(url, issuer, args)
        how = f"through the directory at {url}"
    else:
        _into_the_store(settings, args)
        how = "into the store (no running directory answered)"
    print(
        f"organisation {args.org!r} with administrator {args.admin!r}, {how}: sign in and change the password"
    )


def _our_directory_answers(url: str, issuer: TokenIssuer) -> bool:
    """A directory answers at ``url`` and signs with our key (so it is ours: the password may go to it)."""
    try:
        keys = httpx.get(f"{url}/.well-known/jwks.json", timeout=2).json()["keys"]
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        return False
    return any(isinstance(k, dict) and k.get("kid") == issuer.kid for k in keys)


def _through_the_service(url: str, issuer: TokenIssuer, args: argparse.Namespace) -> None:
    token = issuer.issue(
        user_id=FOUNDER, organisation_id=args.org, role=Role.SERVICE.value, scope=FOUNDING_SCOPE
    )
    body: dict[str, Any] = {
        "organisation_id": args.org,
        "name": args.name,
        "default_country": args.country,
        "password_min_length": args.password_min_length,
        "admin_id": args.admin,
        "admin_name": args.admin_name,
        "admin_smartnumber": args.admin_smartnumber,
        "admin_password": args.admin_password,
    }
    try:
        r = httpx.post(
            f"{url}/v1/organisations", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
    except httpx.HTTPError as e:
        sys.exit(f"the directory at {url} did not answer: {e}")
    if r.status_code != 201:
        try:
            detail = r.json().get("detail", r.text)
        except ValueError:
            detail = r.text
        sys.exit(f"refused: {detail}")


def _into_the_store(settings: DirectorySettings, args: argparse.Namespace) -> None:
    app = application(settings, read_side=False)
    try:
        profile = {"display_name": args.admin_name or args.admin, "smartnumber": args.admin_smartnumber}
        app.found_organisation(
            args.org,
            args.name,
            args.country,
            args.password_min_length,
            args.admin,
            profile,
            args.admin_password,
        )
    except DomainError as e:
        sys.exit(f"refused: {e.message}")
    finally:
        app.close()


if __name__ == "__main__":
    main()
