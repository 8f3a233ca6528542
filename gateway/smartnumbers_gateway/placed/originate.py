"""Placing a call (AMI ``Originate``, async) and saying how it went: the one way every call the
platform places starts (click-to-dial, call me, the message alert; faxes use its reasons).

``Placing.location_to_ring`` finds where the user is now (presence, as the person asking);
``Placing.originate`` asks Asterisk to ring it, answers at once with a request id, and
follows the call in the background (owned by ``BackgroundTasks``) until Asterisk says how
it went, published as ``gateway.call.placed.v1``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import NAMESPACE_URL, uuid5

from smartnumbers_contracts import Contract, calls
from smartnumbers_kit.errors import Conflict

from smartnumbers_gateway.asterisk.ami import AmiLink
from smartnumbers_gateway.asterisk.numbers import dial_string
from smartnumbers_gateway.background import BackgroundTasks
from smartnumbers_gateway.clients.directory import DirectoryClient
from smartnumbers_gateway.clients.http import Unavailable
from smartnumbers_gateway.clients.presence import PresenceClient

log = logging.getLogger(__name__)
REASONS = {"0": "failed", "1": "hangup", "3": "no answer", "4": "answered", "5": "busy", "8": "congestion"}
"""OriginateResponse's Reason, in words."""

NEW_MESSAGES = "New voicemail"
"""The message alert call's caller id name (§3.5); its number is the user's mailbox number."""

__all__ = ["NEW_MESSAGES", "REASONS", "Placing", "Unavailable", "caller_id", "caller_name"]


def caller_name(name: object) -> str:
    """A display name safe inside a caller id and an AMI Variable (no quotes, commas, brackets)."""
    return re.sub(r"[^\w .'+-]", "", str(name or ""))[:40].strip()


def caller_id(name: str, number: str | None) -> str:
    """``"New voicemail" <+441632960900>``: a name and an E.164 number (with its +) a person understands."""
    digits = number if number and re.fullmatch(r"\+[0-9]{4,15}", number) else ""
    return f'"{caller_name(name)}" <{digits}>'


class Placing:
    def __init__(
        self,
        ami: AmiLink | None,
        presence: PresenceClient,
        dial_template: str,
        background: BackgroundTasks,
        publish: Callable[[Contract], None],
        directory: DirectoryClient | None = None,
        desk_phones: dict[str, str] | None = None,
    ) -> None:
        self.ami, self.presence, self.dial_template = ami, presence, dial_template
        self.background, self.publish, self.directory = background, publish, directory
        self.desk_phones = desk_phones if desk_phones is not None else {}
        """A desk phone's number → its PJSIP endpoint (sip_status.py): dialled directly."""

    def dial(self, number: str) -> str:
        """The Dial() string of one number: a desk phone registered here directly, else the template."""
        return dial_string(self.dial_template, [number], self.desk_phones)

    async def profile(self, user: str, authorization: str) -> dict[str, Any]:
        """The user's directory profile (smartnumber, mailbox number, display name), for caller ids;
        empty when the directory cannot say (a call is still placed, with less on the display)."""
        if self.directory is None:
            return {}
        try:
            profile = (await self.directory.user_as(user, authorization)).get("profile") or {}
        except Exception as e:
            log.warning("no caller id for a call to %s: the directory did not say who they are (%s)", user, e)
            return {}
        return dict(profile)

    async def from_the_platform(self, what: str, user: str, authorization: str) -> str:
        """How a call the platform places to the user shows on their phone: what it is for, and
        their mailbox number (calling it back reaches their messages), else their smartnumber."""
        profile = await self.profile(user, authorization)
        return caller_id(what, profile.get("mailbox_number") or profile.get("smartnumber"))

    def _ami_ready(self) -> AmiLink:
        if self.ami is None or not self.ami.logged_in.is_set():
            raise Unavailable(
                "the telephone system cannot be reached just now: nothing was dialled, try again"
            )
        return self.ami

    async def ring_me_first(self, authorization: str, why: str) -> str:
        """The user's current location, when Asterisk can be asked to ring it; else a clear 4xx/503."""
        return await self.location_to_ring("me", authorization, "your", f"select a location first, {why}")

    async def location_to_ring(self, user: str, authorization: str, whose: str, otherwise: str) -> str:
        """``user``'s current location number as presence says (read with ``authorization``), when
        AMI is there to ring it; 503 when either cannot be reached, 409 when the location is None."""
        self._ami_ready()
        number = (await self.presence.presence_of(user, authorization, whose)).get("location_number")
        if not number:
            raise Conflict(f"{whose} location is None: {otherwise}")
        return str(number)

    def originate(
        self,
        *,
        purpose: str,
        ring: str,
        exten: str,
        variables: list[str],
        organisation_id: str,
        user_id: str,
        caller_id: str = '"smartnumbers" <>',
        to: str | None = None,
    ) -> str:
        """Ring ``ring``; answered, the call runs ``exten`` in the dialplan's ``sn-originated``.
        Returns the request id at once; how it went is published when Asterisk says."""
        ami = self._ami_ready()
        request_id = uuid.uuid4().hex
        action: dict[str, Any] = {
            "Action": "Originate",
            "ActionID": f"{purpose}-{request_id}",
            "Async": "true",
            "Channel": self.dial(ring),
            "Context": "sn-originated",
            "Exten": exten,
            "Priority": "1",
            "Timeout": "30000",
            "CallerID": caller_id,
            "Variable": variables,
        }
        self.background.spawn(
            self._follow(ami, action, request_id, purpose, organisation_id, user_id, ring, to),
            name=f"{purpose}-{request_id}",
        )
        return request_id

    async def _follow(
        self,
        ami: AmiLink,
        action: dict[str, Any],
        request_id: str,
        purpose: str,
        organisation_id: str,
        user_id: str,
        first_leg: str,
        to: str | None,
    ) -> None:
        """Send the Originate, and publish how the call to the user went (``gateway.call.placed.v1``)."""
        reason = "failed"
        try:
            replies = await asyncio.wait_for(ami.manager.send_action(action), 45)
            replies = replies if isinstance(replies, list) else [replies]
            outcome = next((m for m in replies if m.get("Event") == "OriginateResponse"), None)
            if outcome is not None:
                reason = REASONS.get(str(outcome.get("Reason")), f"reason {outcome.get('Reason')}")
        except Exception as e:
            log.warning("%s %s: no outcome from Asterisk (%s)", purpose, request_id, e)
        self.publish(
            calls.CallPlaced(
                event_id=uuid5(NAMESPACE_URL, f"smartnumbers:gateway:placed:{request_id}"),
                organisation_id=organisation_id,
                occurred_at=datetime.now(UTC),
                request_id=request_id,
                purpose=purpose,
                user_id=user_id,
                to=to,
                first_leg=first_leg,
                answered=reason == "answered",
                reason=reason,
            )
        )
