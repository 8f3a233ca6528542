"""Recorded AMI traffic of real calls → the call events routing keeps records from."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from smartnumbers_contracts import routing as wire
from smartnumbers_gateway.incoming.call_events import CallTracker, dial_target
from smartnumbers_gateway.incoming.plans import PlansInFlight

from gateway.tests.transcripts import events


def call_id(name: str) -> str:
    """The recorded call's Linkedid."""
    return next(e["Linkedid"] for e in events(name) if "Linkedid" in e)


def planned(name: str = "incoming-answered") -> PlansInFlight:
    plans = PlansInFlight()
    plans.remember(
        wire.RoutingPlan(
            call_id=call_id(name),
            organisation_id="acme",
            dialled="+441632960001",
            call_for_kind="user",
            call_for="adam",
            reasons=[],
            steps=[
                wire.Step(
                    kind="ring",
                    targets=["+447700900001", "+447700900002", "+447700900003"],
                    answered_by=["adam", "bob", "cleo"],
                    ring_seconds=5,
                ),
                wire.Step(kind="voicemail", mailbox="adam"),
            ],
        )
    )
    return plans


def replay(name: str, plans: PlansInFlight) -> list[tuple[str, dict]]:
    tracker = CallTracker(plans, clock=lambda: datetime(2026, 11, 27, tzinfo=UTC))
    out = []
    for event in events(name):
        for contract in tracker.on_event(event):
            out.append(
                (
                    contract.subject,
                    contract.model_dump(exclude={"event_id", "occurred_at", "organisation_id", "call_id"}),
                )
            )
    return out


def test_an_answered_call_rings_is_answered_and_ends_with_the_callee_hanging_up():
    assert replay("incoming-answered", planned()) == [
        ("gateway.call.ringing.v1", {"target_number": "+447700900001", "user_id": "adam"}),
        ("gateway.call.answered.v1", {"answered_number": "+447700900001", "answered_by_user_id": "adam"}),
        (
            "gateway.call.dial_ended.v1",
            {"target_number": "+447700900001", "user_id": "adam", "dial_status": "ANSWER"},
        ),
        ("gateway.call.ended.v1", {"hung_up_by": "callee", "cause": "Normal Clearing"}),
    ]


def test_an_unanswered_call_rings_until_its_time_runs_out_no_answer_and_ends_without_an_answer():
    result = replay("incoming-noanswer-voicemail", planned("incoming-noanswer-voicemail"))
    assert [s for s, _ in result] == [
        "gateway.call.ringing.v1",
        "gateway.call.dial_ended.v1",
        "gateway.call.ended.v1",
    ]
    assert result[1][1] == {"target_number": "+447700900002", "user_id": "bob", "dial_status": "NOANSWER"}
    assert result[2][1]["hung_up_by"] == "system", "the platform hung up after recording"


def test_a_busy_target_is_reported_busy_not_unanswered_and_the_call_ends():
    """Asterisk's recorded DialEnd says BUSY: the call record can tell busy from no answer."""
    result = replay("incoming-busy", planned("incoming-busy"))
    assert result == [
        ("gateway.call.ringing.v1", {"target_number": "+447700900003", "user_id": "cleo"}),
        (
            "gateway.call.dial_ended.v1",
            {"target_number": "+447700900003", "user_id": "cleo", "dial_status": "BUSY"},
        ),
        ("gateway.call.ended.v1", {"hung_up_by": "system", "cause": result[-1][1]["cause"]}),
    ]


def test_each_dial_of_a_target_ends_once_even_when_a_later_step_rings_it_again():
    """Step 1 rings the desk (no answer); step 2 rings desk and mobile, the mobile answers and the
    desk is cancelled: two dial ends for the desk, each with its own id, one ringing event for it."""
    cid, desk1, desk2, mobile = (
        "1800000000.7",
        "Local/1@phones-11;1",
        "Local/1@phones-13;1",
        "Local/2@phones-12;1",
    )
    script = [
        ("DialBegin", desk1, "447700900001@phones", None),
        ("DialEnd", desk1, None, "NOANSWER"),
        ("DialBegin", desk2, "447700900001@phones", None),
        ("DialBegin", mobile, "447700900002@phones", None),
        ("DialEnd", mobile, None, "ANSWER"),
        ("DialEnd", desk2, None, "CANCEL"),
    ]
    plans = PlansInFlight()
    plans.remember(planned().get(call_id("incoming-answered")).model_copy(update={"call_id": cid}))  # type: ignore[union-attr]
    tracker = CallTracker(plans, clock=lambda: datetime(2026, 11, 27, tzinfo=UTC))
    out = []
    for event, channel, dial, status in script:
        fields = {"Event": event, "Linkedid": cid, "DestChannel": channel}
        fields |= {"DialString": dial} if dial else {"DialStatus": status or ""}
        out += tracker.on_event(fields)
    said = [
        (
            c.subject.split(".")[2],
            getattr(c, "target_number", None) or getattr(c, "answered_number", None),
            getattr(c, "dial_status", None),
        )
        for c in out
    ]
    assert said == [
        ("ringing", "+447700900001", None),
        ("dial_ended", "+447700900001", "NOANSWER"),
        ("ringing", "+447700900002", None),
        ("answered", "+447700900002", None),
        ("dial_ended", "+447700900002", "ANSWER"),
        ("dial_ended", "+447700900001", "CANCEL"),
    ]
    ends = [c.event_id for c in out if c.subject == "gateway.call.dial_ended.v1"]
    assert len(set(ends)) == 3


def test_calls_the_gateway_did_not_plan_are_not_reported():
    assert replay("incoming-answered", PlansInFlight()) == []


def test_event_ids_are_stable_so_a_replay_after_reconnect_is_deduplicated():
    first = CallTracker(planned()).on_event(
        next(
            e
            for e in events("incoming-answered")
            if e.get("Event") == "DialBegin" and e.get("DialString", "").endswith("@phones")
        )
    )
    again = CallTracker(planned()).on_event(
        next(
            e
            for e in events("incoming-answered")
            if e.get("Event") == "DialBegin" and e.get("DialString", "").endswith("@phones")
        )
    )
    assert first[0].event_id == again[0].event_id


@pytest.mark.parametrize(
    ("dial", "number"),
    [
        ("447700900001@phones", "+447700900001"),
        ("+447700900001@trunk", "+447700900001"),
        ("PJSIP/+447700900001@trunk", "+447700900001"),
        ("", None),
        (None, None),
    ],
)
def test_dial_strings_give_the_target_number(dial, number):
    assert dial_target(dial) == number


def _local_call(first_request_on: str) -> list[dict[str, str]]:
    """A call whose caller reaches sn-incoming through a Local channel (as make run's demo caller,
    or a trunk bridging through one): the linked id is the Local ;1, the AGI ran on ;2."""
    linked, agi = "1795949354.8", "1795949354.9"
    caller = "Local/441632960001@sn-demo-caller-00000004"
    callee = "Local/447700900001@sn-demo-phones-00000005;1"
    requested = {";1": (f"{caller};1", linked), ";2": (f"{caller};2", agi)}[first_request_on]
    return [
        {
            "Event": "DialBegin",
            "Linkedid": linked,
            "Uniqueid": agi,
            "Channel": f"{caller};2",
            "DestChannel": callee,
            "DialString": "447700900001@sn-demo-phones",
        },
        {"Event": "HangupRequest", "Linkedid": linked, "Uniqueid": requested[1], "Channel": requested[0]},
        {"Event": "DialEnd", "Linkedid": linked, "DestChannel": callee, "DialStatus": "CANCEL"},
        {
            "Event": "Hangup",
            "Linkedid": linked,
            "Uniqueid": agi,
            "Channel": f"{caller};2",
            "Cause-txt": "Normal Clearing",
        },
        {
            "Event": "Hangup",
            "Linkedid": linked,
            "Uniqueid": linked,
            "Channel": f"{caller};1",
            "Cause-txt": "Normal Clearing",
        },
    ]


def _plans_for_local_call() -> PlansInFlight:
    plans = PlansInFlight()
    plans.remember(
        wire.RoutingPlan(
            call_id="1795949354.8",
            organisation_id="acme",
            dialled="+441632960001",
            call_for_kind="user",
            call_for="adam",
            reasons=[],
            steps=[wire.Step(kind="ring", targets=["+447700900001"], answered_by=["adam"], ring_seconds=20)],
        )
    )
    plans.remember_channel("1795949354.8", "Local/441632960001@sn-demo-caller-00000004;2")
    return plans


def _ended_by(events_: list[dict[str, str]], plans: PlansInFlight) -> str:
    tracker = CallTracker(plans, clock=lambda: datetime(2026, 11, 27, tzinfo=UTC))
    ended = [c for e in events_ for c in tracker.on_event(e) if c.subject == "gateway.call.ended.v1"]
    assert len(ended) == 1
    return ended[0].hung_up_by  # type: ignore[attr-defined]


def test_a_caller_giving_up_through_a_local_channel_is_the_caller_not_the_linked_id():
    """The first hang-up request is on the channel the incoming AGI ran on (;2), not the
    linked-id channel: the caller hung up while the phone rang (routing: lost, not missed)."""
    assert _ended_by(_local_call(";2"), _plans_for_local_call()) == "caller"


def test_the_platform_ending_the_agi_side_of_a_local_caller_is_the_system():
    """Hangup() in the dialplan on ;2 makes its sibling ;1 (the linked id) ask: not the caller."""
    assert _ended_by(_local_call(";1"), _plans_for_local_call()) == "system"


def test_a_desk_phone_dialled_directly_is_known_by_its_number():
    """Dial(PJSIP/desk-1001): Asterisk's DialString is the endpoint, not a number."""
    tracker = CallTracker(
        planned(),
        clock=lambda: datetime(2026, 11, 27, tzinfo=UTC),
        desk_phones={"+447700900001": "desk-1001"},
    )
    out = []
    for event in events("incoming-answered"):
        if event.get("DialString") == "447700900001@phones":
            event = {**event, "DialString": "desk-1001"}
        out += [c.subject for c in tracker.on_event(event)]
    assert out == [
        "gateway.call.ringing.v1",
        "gateway.call.answered.v1",
        "gateway.call.dial_ended.v1",
        "gateway.call.ended.v1",
    ]
    assert dial_target("desk-1001", {"+447700900001": "desk-1001"}) == "+447700900001"
    assert dial_target("desk-1001") is None
