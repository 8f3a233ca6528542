"""The plan of each call in progress (by call id), kept when the incoming call was planned: for
its later conversations (introduction, voicemail, PC ring), its channel (Call Manager), and
holding its end while a voicemail is deposited."""

from __future__ import annotations

from collections import OrderedDict

from smartnumbers_contracts import routing as wire


class PlansInFlight:
    """The plan of each call in progress, for its later conversations (introductions)."""

    def __init__(self, keep: int = 10000) -> None:
        self._plans: OrderedDict[str, wire.RoutingPlan] = OrderedDict()
        self._keep = keep
        self._held: dict[str, list[object]] = {}
        self._channels: dict[str, str] = {}

    def remember(self, plan: wire.RoutingPlan) -> None:
        if plan.call_id:
            self._plans[plan.call_id] = plan
            while len(self._plans) > self._keep:
                self._plans.popitem(last=False)

    def get(self, call_id: str) -> wire.RoutingPlan | None:
        return self._plans.get(call_id)

    def remember_channel(self, call_id: str, channel: str) -> None:
        """The caller's channel in Asterisk (what AMI Redirect and Hangup act on)."""
        self._channels[call_id] = channel
        while len(self._channels) > self._keep:
            self._channels.pop(next(iter(self._channels)))

    def channel(self, call_id: str) -> str | None:
        return self._channels.get(call_id)

    # A call's end waits while its voicemail is being taken: a caller usually hangs up
    # after speaking, and the message must be on record before the call is called over.
    def hold_end(self, call_id: str) -> None:
        self._held.setdefault(call_id, [])

    def holding(self, call_id: str) -> bool:
        return call_id in self._held

    def keep_until_released(self, call_id: str, contract: object) -> None:
        self._held[call_id].append(contract)

    def release_end(self, call_id: str) -> list[object]:
        return self._held.pop(call_id, [])
