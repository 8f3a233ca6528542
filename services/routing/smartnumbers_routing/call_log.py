"""The call statistics of the Web Services (§8.2): every call involving a user, and summaries.

A projection of routing's own notification log, kept in memory: ``catch_up`` reads what
was committed since it last looked (cheap when nothing is new), so a query always sees
every record committed before it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from smartnumbers_routing.application import RoutingApplication
from smartnumbers_routing.domain.call_record import CallRecord
from smartnumbers_routing.domain.call_routing import CallRouting


@dataclass(frozen=True)
class Summary:
    period_start: date
    calls_in: int
    calls_out: int
    answered: int
    missed: int
    voicemail: int
    lost: int
    average_ring_seconds: float


class CallLog:
    def __init__(self, app: RoutingApplication) -> None:
        self.app = app
        self._position = 0
        self._records: dict[UUID, CallRecord] = {}
        self._routings: dict[tuple[str, str], CallRouting] = {}
        self._lock = threading.Lock()

    def catch_up(self) -> None:
        with self._lock:
            while batch := self.app.recorder.select_notifications(
                self._position, 500, inclusive_of_start=False
            ):
                for notification in batch:
                    if "CallRecord" in notification.topic:
                        record_id = UUID(str(notification.originator_id))
                        self._records[record_id] = self.app.repository.get(record_id)
                    elif "CallRouting" in notification.topic:
                        routing = self.app.repository.get(UUID(str(notification.originator_id)))
                        self._routings[(routing.organisation_id, routing.call_id)] = routing
                self._position = batch[-1].id

    def calls(
        self,
        organisation_id: str,
        user_id: str | None,
        *,
        missed_only: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[CallRecord]:
        """Calls of the organisation (``user_id`` None: an admin's view) or involving one user, newest first."""
        self.catch_up()
        found = [
            r
            for r in self._records.values()
            if r.organisation_id == organisation_id
            and (user_id is None or r.involves(user_id))
            and (not missed_only or r.missed)
            and (since is None or r.started_at >= since)
            and (until is None or r.started_at < until)
        ]
        return sorted(found, key=lambda r: r.started_at, reverse=True)

    def routing_of(self, organisation_id: str, call_id: str) -> CallRouting | None:
        """The plan the call followed (after ``calls``, which catches up)."""
        with self._lock:
            return self._routings.get((organisation_id, call_id))

    def call(self, organisation_id: str, call_id: str) -> CallRecord | None:
        self.catch_up()
        with self._lock:
            return self._records.get(CallRecord.create_id(organisation_id, call_id))

    def summary(
        self,
        organisation_id: str,
        user_id: str | None,
        period: str,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[Summary]:
        buckets: dict[date, list[CallRecord]] = {}
        for record in self.calls(organisation_id, user_id, since=since, until=until):
            day = record.started_at.date()
            start = day - timedelta(days=day.weekday()) if period == "week" else day
            buckets.setdefault(start, []).append(record)
        return [_summarise(start, records, user_id) for start, records in sorted(buckets.items())]


def _summarise(start: date, records: list[CallRecord], user_id: str | None) -> Summary:
    def outbound(r: CallRecord) -> bool:
        return r.direction == "outbound" and (user_id is None or r.caller_user_id == user_id)

    inbound = [r for r in records if not outbound(r)]
    ended = [r for r in inbound if r.outcome is not None]
    return Summary(
        period_start=start,
        calls_in=len(inbound),
        calls_out=len(records) - len(inbound),
        answered=sum(r.outcome == "answered" for r in inbound),
        missed=sum(r.missed for r in inbound),
        voicemail=sum(r.outcome == "voicemail" for r in inbound),
        lost=sum(r.outcome == "lost" for r in inbound),
        average_ring_seconds=round(sum(r.ring_seconds for r in ended) / len(ended), 1) if ended else 0.0,
    )
