"""Call records' stored events → contracts: delegated calls and lost calls (§3.6.6 to §3.6.9).

Every stored event class is either in ``PUBLISHED`` or in ``PRIVATE``; a test holds the two
against the domain.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from smartnumbers_contracts import Contract
from smartnumbers_contracts import routing as wire
from smartnumbers_kit.publishing import envelope

from smartnumbers_routing.application import RoutingApplication
from smartnumbers_routing.domain.call_record import CallRecord
from smartnumbers_routing.domain.call_routing import CallRouting

log = logging.getLogger(__name__)


PUBLISHED: frozenset[type] = frozenset({CallRecord.Answered, CallRecord.Ended})
"""Events that may make a contract: a delegated answer (CallDelegated), a lost call (CallLost)."""

PRIVATE: frozenset[type] = frozenset(
    {
        # The rest of a call's story is the gateway's own events; routing keeps the record.
        CallRecord.Started,
        CallRecord.Rang,
        CallRecord.Transferred,
        CallRecord.VoicemailLeft,
        CallRecord.DialEnded,
        # Why a call went where it went: read through routing's API (the call list).
        CallRouting.Planned,
        CallRouting.Replanned,
    }
)


class RoutingContracts:
    def __init__(self, app: RoutingApplication) -> None:
        self.app = app

    def __call__(self, event: Any) -> Sequence[Contract]:
        if type(event) not in PUBLISHED:
            if type(event) not in PRIVATE:
                log.error("no contract for the stored event %s: not published", type(event).__qualname__)
            return []
        # The record as it stood right after this event.
        record: CallRecord = self.app.repository.get(event.originator_id, version=event.originator_version)
        common = envelope(event, record.organisation_id) | {"call_id": record.call_id}
        if isinstance(event, CallRecord.Answered) and record.delegated_answer:
            assert record.intended_user_id is not None and record.answered_by is not None
            return [
                wire.CallDelegated(
                    **common,
                    intended_user_id=record.intended_user_id,
                    delegate_id=record.answered_by,
                    caller_number=record.caller_number,
                    answered=True,
                )
            ]
        if isinstance(event, CallRecord.Ended) and record.outcome == "lost":
            return [
                wire.CallLost(
                    **common,
                    intended_user_id=record.intended_user_id,
                    intended_team_id=record.intended_team_id,
                    caller_number=record.caller_number,
                    ring_seconds=record.ring_seconds,
                )
            ]
        return []
