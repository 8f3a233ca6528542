"""The new-message alert by call (§3.5, "a call to your current location"): notify's command
``gateway.alert.message_call.v1`` → the platform rings the user where they are and, answered,
plays their new messages (the same call as ``POST /v1/message-alert-calls``).

A durable JetStream consumer of the GATEWAY stream. A user whose location is None has nowhere to
be called: the command is done (logged), nothing dialled. While AMI is down the command waits;
past its deadline it is given up with a ``gateway.command.failed.v1`` event. A service that
cannot be reached (presence) is tried again with backoff and parked after the last try (the
kit's consumer).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy
from smartnumbers_contracts import Contract
from smartnumbers_contracts import gateway as gw
from smartnumbers_kit.acting_consumer import ActingConsumer
from smartnumbers_kit.errors import Conflict

from smartnumbers_gateway.asterisk.ami import AmiLink
from smartnumbers_gateway.clients.service_tokens import ServiceTokens
from smartnumbers_gateway.commands.deadline import ami_ready
from smartnumbers_gateway.placed.originate import NEW_MESSAGES, Placing

log = logging.getLogger(__name__)


class MessageAlertCalls:
    def __init__(
        self,
        ami: AmiLink,
        js: JetStreamContext,
        placing: Placing,
        tokens: ServiceTokens,
        publish: Callable[[Contract], None],
        deadline: timedelta = timedelta(minutes=10),
        retry_seconds: float = 2.0,
    ) -> None:
        self.ami, self.js, self.placing, self.tokens, self.publish = ami, js, placing, tokens, publish
        self.deadline, self.retry_seconds = deadline, retry_seconds

    def consumer(
        self, max_deliveries: int = 5, backoff_seconds: Sequence[float] = (0.5, 2.0, 10.0)
    ) -> ActingConsumer:
        return ActingConsumer(
            self.js,
            stream="GATEWAY",
            durable="gateway-message-alert-calls",
            handlers={gw.CallMessageAlert: self._handle},
            deliver_policy=DeliverPolicy.NEW,
            ack_wait=30,
            max_deliveries=max_deliveries,
            backoff_seconds=backoff_seconds,
        )

    async def _handle(self, command: gw.CallMessageAlert, message: Msg) -> bool:
        if not await ami_ready(
            self.ami.logged_in.is_set(), message, command, self.deadline, self.retry_seconds, self.publish
        ):
            return False  # waits for AMI, or given up past its deadline
        user, org = command.user_id, command.organisation_id
        token = self.tokens.for_organisation(org)
        try:
            number = await self.placing.location_to_ring(
                user, f"Bearer {token}", f"{user}'s", "there is nowhere to call"
            )
        except Conflict as e:
            log.info("new %s for %s@%s: no alert call (%s)", command.kind, user, org, e)
            return True
        self.placing.originate(
            purpose="play-messages",
            ring=number,
            exten="play-messages",
            variables=[f"SN_USER={user}", f"SN_ORG={org}"],
            caller_id=await self.placing.from_the_platform(NEW_MESSAGES, user, f"Bearer {token}"),
            organisation_id=org,
            user_id=user,
        )
        return True
