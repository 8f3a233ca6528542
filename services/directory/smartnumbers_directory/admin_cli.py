"""``smartnumbers-directory-admin``: create an organisation and its first administrator.

Writes straight into the directory's event store (the same settings as the service:
``PERSISTENCE``, ``VAR_DIR``, ``POSTGRES_*``), so a new installation can start with an
administrator who then signs in and creates everyone else through the API. The service
publishes the new organisation and user from its log, as for any other change.

    smartnumbers-directory-admin create-organisation --org acme --name "Acme Ltd" --country GB \\
        --admin alice --admin-name "Alice Archer" --admin-smartnumber "01632 960001" --admin-password 739182
"""

from __future__ import annotations

import argparse
import sys

from smartnumbers_directory.bootstrap import application
from smartnumbers_directory.settings import DirectorySettings
from smartnumbers_kit.errors import DomainError


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
    args = parser.parse_args(argv)

    app = application(DirectorySettings(), read_side=False)
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
    print(f"organisation {args.org!r} with administrator {args.admin!r}: sign in and change the password")


if __name__ == "__main__":
    main()
