"""Provisioning a user's desk phone writes the pjsip.conf sections its lamp and direct
dialling need: mailboxes = <user>@<organisation>, and its number as caller id."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from smartnumbers_gateway.asterisk.desk_phone import desk_phone_sections
from smartnumbers_gateway.asterisk.sip_status import SipStatus
from smartnumbers_kit.errors import Invalid

from gateway.tests.test_dialplan import SHIPPED, _sections

COMMAND = [
    "--endpoint",
    "desk-1001",
    "--user",
    "adam",
    "--organisation",
    "acme",
    "--number",
    "01632 960100",
    "--name",
    "Adam Ant",
]


def test_the_command_prints_a_phone_with_its_lamps_mailbox_and_its_number_from_the_shipped_templates():
    printed = subprocess.run(
        [sys.executable, "-m", "smartnumbers_gateway.asterisk.desk_phone", *COMMAND],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sections = _sections(printed)
    assert [name for name, _ in sections] == [
        "[desk-1001](phone-template)",
        "[desk-1001](phone-auth-template)",
        "[desk-1001](phone-aor-template)",
    ]
    endpoint, auth, aor = (values for _, values in sections)
    assert aor["mailboxes"] == "adam@acme", "the phone's SUBSCRIBE for its lamp is answered from the aor's"
    assert endpoint["mailboxes"] == "adam@acme", "unsolicited NOTIFYs to a phone that does not subscribe"
    assert endpoint["callerid"] == '"Adam Ant" <+441632960100>'
    assert (endpoint["auth"], endpoint["aors"], auth["username"]) == ("desk-1001",) * 3
    assert len(auth["password"]) >= 16
    shipped = {name for name, _ in _sections((SHIPPED / "pjsip.conf").read_text())}
    assert {"[phone-template](!)", "[phone-auth-template](!)", "[phone-aor-template](!)"} <= shipped
    templates = {
        v.get("context") for n, v in _sections((SHIPPED / "pjsip.conf").read_text()) if "phone-template" in n
    }
    assert templates == {"from-phones"}


def test_bad_input_prints_nothing_and_says_why():
    done = subprocess.run(
        [sys.executable, "-m", "smartnumbers_gateway.asterisk.desk_phone", *COMMAND[:7], "12"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "not a dialable number" in done.stderr
    for bad in (
        dict(endpoint="desk 1001"),
        dict(user_id="adam]\n[evil"),
        dict(number="441632960100"),
        dict(password="short"),
    ):
        fields = dict(
            endpoint="desk-1001",
            user_id="adam",
            organisation_id="acme",
            number="+441632960100",
            name="Adam",
            password="a-long-password",
        )
        with pytest.raises(Invalid):
            desk_phone_sections(**{**fields, **bad})


async def test_a_desk_phone_without_its_mailbox_is_a_warning_at_start(caplog):
    async def asterisk(action: dict) -> list[dict]:
        if action["Action"] == "PJSIPShowEndpoints":
            return [{"Event": "EndpointList", "ObjectName": "desk-1001"}]
        return [{"Event": "EndpointDetail", "Context": "from-phones", "Callerid": '"Adam" <+441632960100>'}]

    status = SipStatus()
    with caplog.at_level(logging.WARNING, logger="smartnumbers_gateway.asterisk.sip_status"):
        await status.check(asterisk)
    assert status.desk_phones == {"+441632960100": "desk-1001"}
    assert any("desk-1001" in r.getMessage() and "mailboxes" in r.getMessage() for r in caplog.records)
