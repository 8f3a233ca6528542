"""Ended sessions: a user's tokens refused by every service within moments, not at expiry.

The directory publishes ``directory.user.sessions_ended.v1`` when a user's password is
changed or reset or the user signs out, and ``directory.user.removed.v1`` when a user is
deleted. Every service follows just those two subjects of the DIRECTORY stream from its
first message (ordered consumers, filtered by the server, so only these small events
travel) into an in-memory map (organisation, user) → ended_at. ``TokenVerifier`` then
refuses a user's token whose ``iat`` is earlier than the user's ``ended_at``.

Built and started by each service's composition root::

    revocations = Revocations()
    http.state.token_verifier = TokenVerifier.from_settings(settings, revocations=revocations)
    runtime.when_connected(revocations.follow, revocations.stop)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy
from pydantic import ValidationError
from smartnumbers_contracts import directory as wire

from smartnumbers_kit.bus import ensure_stream, stream_name

log = logging.getLogger(__name__)

SESSION_ENDED = "your session has ended: sign in again"
SUBJECTS = (wire.UserSessionsEnded.subject, wire.UserRemoved.subject)


class Revocations:
    def __init__(self) -> None:
        self._ended: dict[tuple[str, str], float] = {}
        self._applied = asyncio.Condition()
        self._subscriptions: list[JetStreamContext.PushSubscription] = []

    # -- reading (on every request) ------------------------------------------------------
    def ended_at(self, organisation_id: str, user_id: str) -> float | None:
        """When the user's sessions last ended (POSIX seconds), or None."""
        return self._ended.get((organisation_id, user_id))

    def has_ended(self, organisation_id: str, user_id: str, issued_at: float) -> bool:
        ended = self._ended.get((organisation_id, user_id))
        return ended is not None and issued_at < ended

    # -- writing (from the bus) ----------------------------------------------------------
    def end(self, organisation_id: str, user_id: str, ended_at: float) -> None:
        key = (organisation_id, user_id)
        self._ended[key] = max(ended_at, self._ended.get(key, ended_at))

    def apply(self, contract: wire.UserSessionsEnded | wire.UserRemoved) -> None:
        if isinstance(contract, wire.UserSessionsEnded):
            ended_at = contract.ended_at.timestamp()
        else:
            ended_at = contract.occurred_at.timestamp()
        self.end(contract.organisation_id, contract.user_id, ended_at)

    async def follow(self, _nc: Client, js: JetStreamContext) -> None:
        """Replay both subjects from the start, then apply each new one as it is published."""
        await ensure_stream(js, "directory")
        for subject in SUBJECTS:
            self._subscriptions.append(
                await js.subscribe(
                    subject,
                    stream=stream_name("directory"),
                    ordered_consumer=True,
                    config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL),
                    cb=self._on_message,
                )
            )

    async def _on_message(self, message: Msg) -> None:
        contract_type = (
            wire.UserSessionsEnded if message.subject == wire.UserSessionsEnded.subject else wire.UserRemoved
        )
        try:
            contract = contract_type.model_validate_json(message.data)
        except ValidationError as e:
            log.error("revocations skip an unreadable %s: %s", message.subject, e)
            return
        self.apply(contract)
        async with self._applied:
            self._applied.notify_all()

    async def until_ended(self, organisation_id: str, user_id: str) -> float:
        """Wait until the bus has told that the user's sessions ended (for tests; bound it with
        ``asyncio.timeout``); returns ``ended_at``."""
        async with self._applied:
            await self._applied.wait_for(lambda: self.ended_at(organisation_id, user_id) is not None)
        return self.ended_at(organisation_id, user_id) or 0.0

    async def stop(self) -> None:
        for subscription in self._subscriptions:
            with contextlib.suppress(Exception):  # already gone with the connection
                await subscription.unsubscribe()
        self._subscriptions.clear()
