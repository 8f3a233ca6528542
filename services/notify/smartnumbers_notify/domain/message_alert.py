"""What was decided when a message arrived (§3.5): which alerts leave, once per message event.

Its ``Decided`` event is what the relay turns into the gateway's call-to-location command.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


class MessageAlert(Aggregate):
    @staticmethod
    def create_id(source_event_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:notify:message-alert:{source_event_id}")

    @event("Decided")
    def __init__(
        self,
        source_event_id: str,
        organisation_id: str,
        user_id: str,
        owner_kind: str,
        owner_id: str,
        message_id: str,
        kind: str,
        channels: list[str],
    ) -> None:
        self.source_event_id = source_event_id
        self.organisation_id = organisation_id
        self.user_id = user_id
        self.owner_kind = owner_kind
        self.owner_id = owner_id
        self.message_id = message_id
        self.kind = kind
        self.channels = channels
