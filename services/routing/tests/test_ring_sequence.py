"""Personal ring sequences: routing turns them into the ring steps the dialplan walks."""

from __future__ import annotations

from smartnumbers_routing.domain.callees import Caller
from smartnumbers_routing.domain.decide import decide

from services.routing.tests.world import LUCY, MOBILES, NUMBERS, World

DESKS = {"adam": "+441632960110", "bob": "+441632960210"}
LUCY_CALLS = Caller(LUCY, "Lucy")


def adam_with_sequence(**settings) -> World:
    return (
        World()
        .user("adam", **settings)
        .numbers("adam", desk=DESKS["adam"], mobile=MOBILES["adam"])
        .sequence("adam", (("desk",), 10), (("desk", "mobile"), 20))
    )


def walk(plan) -> list[tuple[str, tuple[str, ...], int | None, str | None]]:
    return [(s.kind.value, s.targets, s.ring_seconds, s.mailbox) for s in plan.steps]


def test_desk_10_s_then_desk_and_mobile_20_s_then_voicemail():
    plan = decide(adam_with_sequence().view, NUMBERS["adam"], LUCY_CALLS).plan
    assert walk(plan) == [
        ("ring", (DESKS["adam"],), 10, None),
        ("ring", (DESKS["adam"], MOBILES["adam"]), 20, None),
        ("voicemail", (), None, "adam"),
    ]
    assert plan.steps[1].answered_by == ("adam", "adam")
    assert "ring sequence" in plan.reasons[0] and "desk (+441632960110) for 10 s" in plan.reasons[0]
    assert plan.rules == ("§3.6 available: ring sequence",)


def test_the_sequence_is_used_only_while_available():
    for availability, first in [("voicemail", "voicemail"), ("no_messages", "ring")]:
        plan = decide(adam_with_sequence(availability=availability).view, NUMBERS["adam"], LUCY_CALLS).plan
        assert plan.steps[0].kind.value == first
        assert len(plan.steps) <= 2 and "ring sequence" not in " ".join(plan.reasons)
    # Location None still means nowhere to ring (§3.3).
    plan = decide(adam_with_sequence(location="none").view, NUMBERS["adam"], LUCY_CALLS).plan
    assert walk(plan) == [("voicemail", (), None, "adam")]


def test_call_introduction_is_offered_at_every_number_of_every_step():
    plan = decide(adam_with_sequence(intro="on").view, NUMBERS["adam"], LUCY_CALLS).plan
    intros = [i for s in plan.steps if s.kind.value == "ring" for i in s.introduction]
    assert len(intros) == 3 and all(
        i is not None and i.text.startswith("Adam, there is a call from Lucy") for i in intros
    )


def test_a_vip_reaches_the_sequence_when_available_and_the_location_otherwise():
    plan = decide(adam_with_sequence(vips=(LUCY,)).view, NUMBERS["adam"], LUCY_CALLS).plan
    assert len(plan.steps) == 3
    plan = decide(
        adam_with_sequence(vips=(LUCY,), availability="voicemail").view, NUMBERS["adam"], LUCY_CALLS
    ).plan
    assert walk(plan)[0] == ("ring", (MOBILES["adam"],), 20, None)
    assert plan.rules == ("§4.1.2 VIP caller",)


def test_delegation_walks_the_delegates_sequence_announced_as_for_the_intended():
    world = (
        World()
        .user("adam", availability="delegate", delegate="bob")
        .user("bob", intro="on")
        .numbers("bob", desk=DESKS["bob"], mobile=MOBILES["bob"])
        .sequence("bob", (("mobile",), 15), (("desk", "mobile"), 15))
    )
    plan = decide(world.view, NUMBERS["adam"], LUCY_CALLS).plan
    assert walk(plan) == [
        ("ring", (MOBILES["bob"],), 15, None),
        ("ring", (DESKS["bob"], MOBILES["bob"]), 15, None),
        ("voicemail", (), None, "bob"),
    ]
    assert plan.steps[0].introduction[0].text.startswith("There is a call for Adam from Lucy")
    assert plan.rules == ("§3.6.4 delegate", "§3.6 available: ring sequence")
    assert plan.delegated_from == ("adam",)


def test_teams_keep_their_distribution():
    world = adam_with_sequence(teams=("sales",)).user("bob", teams=("sales",)).team("sales", ["adam", "bob"])
    plan = decide(world.view, "+441632960999", LUCY_CALLS).plan
    assert walk(plan)[0] == ("ring", (MOBILES["adam"], MOBILES["bob"]), 20, None)


def test_a_number_removed_since_is_skipped_and_said():
    world = adam_with_sequence().numbers("adam", desk=DESKS["adam"])
    plan = decide(world.view, NUMBERS["adam"], LUCY_CALLS).plan
    assert walk(plan)[:2] == [("ring", (DESKS["adam"],), 10, None), ("ring", (DESKS["adam"],), 20, None)]
    assert "mobile number is not set: not rung" in plan.reasons[1]


def test_clearing_the_sequence_rings_the_location_again():
    world = adam_with_sequence().sequence("adam")
    plan = decide(world.view, NUMBERS["adam"], LUCY_CALLS).plan
    assert walk(plan)[0] == ("ring", (MOBILES["adam"],), 20, None)
    assert plan.rules == ("§3.6 available",)
