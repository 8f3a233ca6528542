"""Asterisk's AMI events → the call events routing keeps records from (gateway.call.*.v1).

Pure: ``CallTracker.on_event`` takes one AMI event (a dict of its fields) and returns
the contracts to publish. A call is ours when the incoming-call FastAGI conversation
planned it (``PlansInFlight``): that gives its organisation and who each target is.
Ringing and answering are counted only for the plan's own targets, so dials Asterisk
makes for other reasons (Local channel halves, originate legs) are not mistaken for them.
Each dial of a target ends with Asterisk's DIALSTATUS (``DialEnd``): busy, no answer,
cancelled… is published as ``gateway.call.dial_ended.v1``, so a call record tells them apart.
Event ids are derived from the AMI event, so publishing the same event twice (after an
AMI reconnect) is deduplicated by JetStream.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import NAMESPACE_URL, uuid5

from smartnumbers_contracts import Contract
from smartnumbers_contracts import calls as wire

from smartnumbers_gateway.asterisk.numbers import e164
from smartnumbers_gateway.incoming.plans import PlansInFlight

HANGUP_REQUESTS = {"HangupRequest", "SoftHangupRequest"}
DIAL_STATUSES = {s.value for s in wire.DialStatus}


@dataclass
class _Call:
    call_id: str
    first_hangup_by: str | None = None
    answered: bool = False
    ended: bool = False
    rang: set[str] = field(default_factory=set)
    dialling: dict[str, str] = field(default_factory=dict)
    """Callee channel → the target number it rings ."""


def dial_target(dial_string: str | None, desk_phones: Mapping[str, str] | None = None) -> str | None:
    """``447700900001@phones`` or ``+447700900001@trunk`` → ``+447700900001``; a desk phone
    dialled directly (``desk-1001``) → its number (``desk_phones``: number → endpoint)."""
    if not dial_string:
        return None
    target = dial_string.split("@", 1)[0].split("/", 1)[-1]
    for number, endpoint in (desk_phones or {}).items():
        if endpoint == target:
            return number
    return e164(target)


def _pair(channel: str) -> str:
    """Both halves of a Local channel (``…;1`` and ``…;2``) are one party."""
    return channel.rsplit(";", 1)[0]


OUTAGE = "ended while the gateway was disconnected from Asterisk"


class CallTracker:
    def __init__(
        self,
        plans: PlansInFlight,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        desk_phones: Mapping[str, str] | None = None,
    ) -> None:
        self.plans = plans
        self.clock = clock
        self.desk_phones = desk_phones if desk_phones is not None else {}
        self._calls: dict[str, _Call] = {}

    def on_event(self, event: dict[str, str]) -> list[Contract]:
        call_id = event.get("Linkedid") or ""
        plan = self.plans.get(call_id) if call_id else None
        if plan is None or not plan.organisation_id:
            return []
        call = self._calls.setdefault(call_id, _Call(call_id))
        name = event.get("Event", "")
        targets = {
            t: (s.answered_by[i] if i < len(s.answered_by) else None)
            for s in plan.steps
            for i, t in enumerate(s.targets)
        }

        def contract(cls: type[Contract], key: str, **fields: object) -> Contract:
            return cls(
                event_id=uuid5(NAMESPACE_URL, f"smartnumbers:gateway:{call_id}:{cls.subject}:{key}"),
                organisation_id=plan.organisation_id,
                occurred_at=self.clock(),
                call_id=call_id,
                **fields,
            )

        if name == "DialBegin":
            number = dial_target(event.get("DialString"), self.desk_phones)
            if number is not None and number in targets:
                call.dialling[event.get("DestChannel", "")] = number
                if number not in call.rang:  # a later step ringing it again: it rings on
                    call.rang.add(number)
                    return [contract(wire.CallRinging, number, target_number=number, user_id=targets[number])]
        elif name == "DialEnd":
            channel = event.get("DestChannel", "")
            number = call.dialling.get(channel) or dial_target(event.get("DialString"), self.desk_phones)
            status = event.get("DialStatus", "")
            if number is None or number not in targets:
                return []
            out: list[Contract] = []
            if status == "ANSWER" and not call.answered:
                call.answered = True
                out.append(
                    contract(
                        wire.CallAnswered, number, answered_number=number, answered_by_user_id=targets[number]
                    )
                )
            if status in DIAL_STATUSES:
                out.append(
                    contract(
                        wire.CallDialEnded,
                        f"{number}:{channel}",
                        target_number=number,
                        user_id=targets[number],
                        dial_status=wire.DialStatus(status),
                    )
                )
            return out
        elif name in HANGUP_REQUESTS and call.first_hangup_by is None:
            raw = event.get("Channel", "")
            channel = _pair(raw)
            # The caller is the channel the incoming FastAGI conversation ran on: with a Local
            # channel in between (a trunk bridging through one, a Local caller) that is not
            # the linked-id channel. Its Local sibling asking first means the platform ended
            # its side (Hangup() in the dialplan).
            agi_channel = self.plans.channel(call_id)
            if agi_channel is not None and raw == agi_channel:
                call.first_hangup_by = "caller"
            elif agi_channel is not None and channel == _pair(agi_channel) and ";" in raw:
                call.first_hangup_by = "system"
            elif event.get("Uniqueid") == call_id:
                call.first_hangup_by = "caller"
            elif channel in {_pair(c) for c in call.dialling}:
                # Before an answer this is Dial giving up on a ringing phone, not the callee.
                if call.answered:
                    call.first_hangup_by = "callee"
            else:
                call.first_hangup_by = "system"  # the platform's own leg: voicemail done, plan ended
        elif name == "Hangup" and event.get("Uniqueid") == call_id and not call.ended:
            call.ended = True
            self._calls.pop(call_id, None)
            hung_up_by = call.first_hangup_by or "system"
            return [
                contract(
                    wire.CallEnded,
                    "end",
                    hung_up_by=hung_up_by,
                    cause=event.get("Cause-txt") or event.get("Cause") or "",
                )
            ]
        return []

    def resynchronise(self, active_call_ids: set[str]) -> list[Contract]:
        """After an AMI reconnect: the calls followed before that Asterisk no longer has have ended."""
        ended: list[Contract] = []
        for call_id in [c for c in self._calls if c not in active_call_ids]:
            plan = self.plans.get(call_id)
            self._calls.pop(call_id, None)
            if plan is None or not plan.organisation_id:
                continue
            ended.append(
                wire.CallEnded(
                    event_id=uuid5(
                        NAMESPACE_URL, f"smartnumbers:gateway:{call_id}:{wire.CallEnded.subject}:end"
                    ),
                    organisation_id=plan.organisation_id,
                    occurred_at=self.clock(),
                    call_id=call_id,
                    hung_up_by="system",
                    cause=OUTAGE,
                )
            )
        return ended
