"""What notify knows of a user: where to reach them and what they asked to be told.

Each setting is owned elsewhere and followed from its events (profile: directory;
message alerts: mailbox; call reporting: presence), except the pager number, which
only notify uses (§3.5: "a pager message").
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

NO_ALERTS = {"call": False, "sms": False, "message_waiting": True, "email": False, "pager": False}


class Recipient(Aggregate):
    @staticmethod
    def create_id(organisation_id: str, user_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:notify:recipient:{organisation_id}/{user_id}")

    @event("Known")
    def __init__(self, organisation_id: str, user_id: str) -> None:
        self.organisation_id = organisation_id
        self.user_id = user_id
        self.profile: dict[str, Any] = {"display_name": user_id, "time_zone": "Europe/London"}
        self.alerts: dict[str, bool] = dict(NO_ALERTS)
        self.pager_number: str | None = None
        self.call_reporting = {"lost_calls": False, "delegated_calls": False}
        self.removed = False

    @event("ProfileChanged")
    def change_profile(self, profile: dict[str, Any]) -> None:
        self.profile = dict(profile)
        self.removed = False

    @event("AlertsChanged")
    def change_alerts(self, alerts: dict[str, bool]) -> None:
        self.alerts = dict(alerts)

    @event("PagerChanged")
    def change_pager(self, pager_number: str | None) -> None:
        self.pager_number = pager_number

    @event("CallReportingChanged")
    def change_call_reporting(self, lost_calls: bool, delegated_calls: bool) -> None:
        self.call_reporting = {"lost_calls": lost_calls, "delegated_calls": delegated_calls}

    @event("Removed")
    def remove(self) -> None:
        self.removed = True

    @property
    def display_name(self) -> str:
        return str(self.profile.get("display_name") or self.user_id)

    @property
    def time_zone(self) -> str:
        return str(self.profile.get("time_zone") or "Europe/London")
