"""Provisioning a user's desk phone: its three ``pjsip.conf`` sections, from the shipped templates.

The endpoint is in ``from-phones`` (the template's context) with:

- ``callerid = "<name>" <+E.164>``: what the people called see, and the number by which the
  gateway knows the phone and dials it directly (``sip_status.py``);
- ``mailboxes = <user>@<organisation>``, on the endpoint and on the aor: the mailbox whose
  message-waiting lamp the phone shows (``MWIUpdate`` names it so). Asterisk answers a
  phone's SUBSCRIBE for message summary from the aor's (without it: 404, the lamp never
  lights), and sends unsolicited NOTIFYs to a phone that does not subscribe from the endpoint's.

    python -m smartnumbers_gateway.asterisk.desk_phone --endpoint desk-1001 --user adam \\
        --organisation acme --number "01632 960100" --name "Adam Ant"

prints the sections (append them to pjsip.conf, then ``pjsip reload``); the password is
generated unless given.
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys

from smartnumbers_kit.dialable import to_e164
from smartnumbers_kit.errors import Invalid

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def desk_phone_sections(
    endpoint: str, user_id: str, organisation_id: str, number: str, name: str, password: str
) -> str:
    """The endpoint, auth and aor sections of one desk phone (``number`` in E.164)."""
    for what, value in (("endpoint", endpoint), ("user", user_id), ("organisation", organisation_id)):
        if not NAME.fullmatch(value):
            raise Invalid(
                f"the {what} {value!r} is not a name Asterisk takes (letters, digits, '.', '_', '-')"
            )
    if not re.fullmatch(r"\+[0-9]{6,15}", number):
        raise Invalid(f"the number {number!r} is not in E.164 (+ and digits)")
    if not re.fullmatch(r"[^\s;\[\]\"]{8,64}", password):
        raise Invalid("the password must be 8-64 characters without spaces, ';', brackets or quotes")
    shown = re.sub(r"[^\w .'-]", "", name)[:40].strip()
    return (
        f"[{endpoint}](phone-template)\n"
        f"auth = {endpoint}\n"
        f"aors = {endpoint}\n"
        f'callerid = "{shown}" <{number}>\n'
        f"mailboxes = {user_id}@{organisation_id}\n"
        f"[{endpoint}](phone-auth-template)\n"
        f"username = {endpoint}\n"
        f"password = {password}\n"
        f"[{endpoint}](phone-aor-template)\n"
        f"mailboxes = {user_id}@{organisation_id}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print a user's desk phone sections for pjsip.conf")
    parser.add_argument("--endpoint", required=True, help="the phone's SIP user name, e.g. desk-1001")
    parser.add_argument("--user", required=True, help="the user's id (their mailbox: <user>@<organisation>)")
    parser.add_argument("--organisation", required=True)
    parser.add_argument("--number", required=True, help="the user's number shown as caller id")
    parser.add_argument("--name", default="", help="the name shown as caller id")
    parser.add_argument(
        "--country", default="GB", help="how to read a national --number (the organisation's)"
    )
    parser.add_argument("--password", default=None, help="default: a generated one")
    args = parser.parse_args(argv)
    try:
        number = to_e164(args.number, args.country, what="number")
        text = desk_phone_sections(
            args.endpoint,
            args.user,
            args.organisation,
            number,
            args.name,
            args.password or secrets.token_urlsafe(12),
        )
    except Invalid as e:
        parser.error(str(e))
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
