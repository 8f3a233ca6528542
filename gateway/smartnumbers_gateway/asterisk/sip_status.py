"""What the gateway knows of Asterisk's PJSIP side, asked over AMI at every (re)connect.

- the carrier trunk (endpoint ``trunk``): does its ``identify`` exist with address ranges to
  match? Asterisk drops an identify whose ``match`` does not resolve at start, and the
  carrier's calls are then recognised by nothing (``PJSIPShowEndpoint``'s ``IdentifyDetail``);
- is the trunk's contact reachable? With qualify on, a carrier that ignores OPTIONS makes it
  Unreachable and every outbound leg fails (``ContactStatusDetail``, then ``ContactStatus``
  events as it changes: manager.conf's ``read = system``);
- the desk phones registered to this Asterisk (endpoints in ``from-phones``), by the number
  of their caller id: the gateway dials them directly (``PJSIP/<endpoint>``), not through
  the trunk.

Each problem is a WARNING in the log and a failed check in ``/readyz``.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from typing import Any

from smartnumbers_gateway.asterisk.numbers import e164

log = logging.getLogger(__name__)
TRUNK = "trunk"
PHONES_CONTEXT = "from-phones"
UNREACHABLE = {"Unreachable", "Unavailable"}
"""A contact's status when its OPTIONS went unanswered (Unavailable: Asterisk before 16)."""


class SipStatus:
    def __init__(self) -> None:
        self.trunk_identified = False
        self.trunk_contacts: dict[str, str] = {}
        """The trunk's contact URIs → their last status (Reachable, Unreachable, NonQualified…)."""
        self.desk_phones: dict[str, str] = {}
        """A desk phone's number (E.164) → its PJSIP endpoint."""

    @property
    def trunk_reachable(self) -> bool:
        return not any(status in UNREACHABLE for status in self.trunk_contacts.values())

    def checks(self) -> dict[str, bool]:
        return {
            "asterisk_trunk_identify": self.trunk_identified,
            "asterisk_trunk_reachable": self.trunk_reachable,
        }

    async def check(self, send_action: Any) -> None:
        """Ask Asterisk for its endpoints and each one's details (``send_action`` is the
        Manager's); log what will not work."""
        listing = await _events(send_action, {"Action": "PJSIPShowEndpoints"})
        names = [m.get("ObjectName", "") for m in listing if m.get("Event") == "EndpointList"]
        identified = False
        contacts: dict[str, str] = {}
        phones: dict[str, str] = {}
        for name in filter(None, names):
            details = await _events(send_action, {"Action": "PJSIPShowEndpoint", "Endpoint": name})
            for detail in details:
                kind = detail.get("Event")
                if name == TRUNK and kind == "IdentifyDetail" and detail.get("Match", "").strip():
                    identified = True
                elif name == TRUNK and kind == "ContactStatusDetail" and detail.get("URI"):
                    contacts[detail["URI"]] = detail.get("Status", "")
                elif kind == "EndpointDetail" and detail.get("Context") == PHONES_CONTEXT:
                    number = caller_id_number(detail.get("Callerid", ""))
                    if number:
                        phones[number] = name
                    if not detail.get("Mailboxes", "").strip():
                        log.warning(
                            "desk phone %s has no mailboxes = <user>@<organisation> in pjsip.conf: "
                            "its message-waiting lamp never lights (its SUBSCRIBE gets 404)",
                            name,
                        )
        self.trunk_identified, self.trunk_contacts = identified, contacts
        self.desk_phones.clear()  # in place: the dialling code holds this very dict
        self.desk_phones.update(phones)
        if TRUNK not in names:
            log.warning("Asterisk has no PJSIP endpoint %r: no call reaches or leaves the carrier", TRUNK)
        elif not identified:
            log.warning(
                "Asterisk has no identify for the PJSIP endpoint %r (pjsip.conf [trunk] type = identify, "
                "match = the carrier's address ranges; a host name that did not resolve at start drops "
                "it): the carrier's calls are recognised by nothing",
                TRUNK,
            )
        for uri, status in contacts.items():
            if status in UNREACHABLE:
                self._warn_unreachable(uri, status)
        log.info("PJSIP: trunk identified=%s, %d desk phone(s) dialled directly", identified, len(phones))

    def on_event(self, message: Mapping[str, str]) -> None:
        """``ContactStatus``: the trunk's contact changed (qualify answered, or not)."""
        if message.get("Event") != "ContactStatus" or message.get("EndpointName") != TRUNK:
            return
        uri, status = message.get("URI", ""), message.get("ContactStatus", "")
        if status == "Removed":
            self.trunk_contacts.pop(uri, None)
            return
        was = self.trunk_contacts.get(uri)
        self.trunk_contacts[uri] = status
        if status in UNREACHABLE and was not in UNREACHABLE:
            self._warn_unreachable(uri, status)
        elif status == "Reachable" and was in UNREACHABLE:
            log.info("the trunk's contact %s is reachable again", uri)

    @staticmethod
    def _warn_unreachable(uri: str, status: str) -> None:
        log.warning(
            "the trunk's contact %s is %s (the carrier does not answer OPTIONS): every outbound leg "
            "fails and calls go to voicemail; if the carrier ignores OPTIONS, set qualify_frequency = 0 "
            "in pjsip.conf's [trunk] aor",
            uri,
            status,
        )


def caller_id_number(caller_id: str) -> str | None:
    """``"Adam" <+441632960100>`` → ``+441632960100``."""
    found = re.search(r"<([^>]*)>", caller_id)
    return e164(found.group(1) if found else caller_id)


async def _events(send_action: Any, action: dict[str, str]) -> list[Any]:
    reply = await asyncio.wait_for(send_action(action), 10)
    return reply if isinstance(reply, list) else [reply]
