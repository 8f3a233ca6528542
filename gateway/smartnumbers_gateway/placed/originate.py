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
from smartnumbers_gateway.clients.http import Unavailable
from smartnumbers_gateway.clients.presence import PresenceClient

log = logging.getLogger(__name__)
REASONS = {"0": "failed", "1": "hangup", "3": "no answer", "4": "answered", "5": "busy", "8": "congestion"}
"""OriginateResponse's Reason, in words."""

__all__ = ["REASONS", "Placing", "Unavailable"]


class Placing:
    def __init__(
        self,
        ami: AmiLink | None,
        presence: PresenceClient,
        dial_template: str,
        background: BackgroundTasks,
        publish: Callable[[Contract], None],
    ) -> None:
        self.ami, self.presence, self.dial_template = ami, presence, dial_template
        self.background, self.publish = background, publish

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
            "Channel": dial_string(self.dial_template, [ring]),
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
