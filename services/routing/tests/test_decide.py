"""The routing rules as a table of scenarios, each naming its user guide section."""

from __future__ import annotations

import pytest
from smartnumbers_routing.domain.callees import Caller
from smartnumbers_routing.domain.decide import decide

from services.routing.tests.world import LUCY, MAILBOXES, MOBILES, NUMBERS, World

LUCY_CALLS = Caller(LUCY, "Lucy")


def plan_for(world: World, dialled: str, caller: Caller = LUCY_CALLS):
    return decide(world.view, dialled, caller).plan


def summary(plan) -> list[tuple[str, tuple[str, ...], str | None]]:
    return [(s.kind.value, s.targets, s.mailbox) for s in plan.steps]


SCENARIOS = [
    # (guide section, adam's settings, the plan's steps, a reason's words)
    (
        "§3.3 location None → voicemail whatever else",
        dict(location="none", availability="available"),
        [("voicemail", (), "adam")],
        "location is None",
    ),
    (
        "§3.3 None beats Delegate",
        dict(location="none", availability="delegate", delegate="bob"),
        [("voicemail", (), "adam")],
        "location is None",
    ),
    (
        "§3.6 Available → ring location, then voicemail",
        dict(),
        [("ring", (MOBILES["adam"],), None), ("voicemail", (), "adam")],
        "ring your mobile",
    ),
    (
        "§3.6.2 Voicemail → straight to voicemail",
        dict(availability="voicemail"),
        [("voicemail", (), "adam")],
        "straight to voicemail",
    ),
    (
        "§3.6.1 PC ring with Call Manager → PC, then voicemail",
        dict(availability="pc_ring", call_managers=1),
        [("pc_ring", (), None), ("voicemail", (), "adam")],
        "Call Manager shows the call",
    ),
    (
        "§3.6.1 PC ring without Call Manager → voicemail",
        dict(availability="pc_ring"),
        [("voicemail", (), "adam")],
        "no Call Manager is connected",
    ),
    (
        "§3.6 No messages → ring, then greeting without recording",
        dict(availability="no_messages"),
        [("ring", (MOBILES["adam"],), None), ("greeting_then_hang_up", (), "adam")],
        "cannot leave a message",
    ),
    (
        "§3.6 No messages with location None → greeting, no recording",
        dict(location="none", availability="no_messages"),
        [("greeting_then_hang_up", (), "adam")],
        "location is None",
    ),
    (
        "§3.6.4 Delegate → the delegate's own routing",
        dict(availability="delegate", delegate="bob"),
        [("ring", (MOBILES["bob"],), None), ("voicemail", (), "bob")],
        "diverted to your delegate, Bob",
    ),
    (
        "§4.1.2 a VIP rings the location whatever the availability",
        dict(availability="voicemail", vips=(LUCY,)),
        [("ring", (MOBILES["adam"],), None), ("voicemail", (), "adam")],
        "one of your VIPs",
    ),
    (
        "§4.1.2 a VIP gets voicemail when the location is None",
        dict(location="none", vips=(LUCY,)),
        [("voicemail", (), "adam")],
        "nowhere to ring",
    ),
    (
        "§4.1.2 a VIP rings through Delegate too",
        dict(availability="delegate", delegate="bob", vips=(LUCY,)),
        [("ring", (MOBILES["adam"],), None), ("voicemail", (), "adam")],
        "one of your VIPs",
    ),
]


@pytest.mark.parametrize(("section", "adam", "steps", "words"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_scenario(section, adam, steps, words):
    world = World().user("adam", **adam).user("bob")
    plan = plan_for(world, NUMBERS["adam"])
    assert summary(plan) == steps
    assert any(words in reason for reason in plan.reasons), plan.reasons


def test_3_9_extended_absence_offers_the_delegate_and_takes_no_message():
    world = (
        World().user("adam", availability="delegate", delegate="bob", vips=(LUCY,)).user("bob").absent("adam")
    )
    plan = plan_for(world, NUMBERS["adam"])
    assert summary(plan) == [("offer_transfer", (NUMBERS["bob"],), "adam")]
    assert plan.steps[0].greeting == "extended_absence"
    assert "cannot leave a message" in plan.reasons[0]


def test_3_9_extended_absence_without_delegate_only_plays_the_greeting():
    plan = plan_for(World().user("adam").absent("adam"), NUMBERS["adam"])
    assert summary(plan) == [("greeting_then_hang_up", (), "adam")]
    assert "no delegate is defined" in plan.reasons[0]


def test_delegation_loops_end_in_the_callees_voicemail_never_a_ring_cycle():
    world = (
        World()
        .user("adam", availability="delegate", delegate="bob")
        .user("bob", availability="delegate", delegate="cleo")
        .user("cleo", availability="delegate", delegate="adam")
    )
    plan = plan_for(world, NUMBERS["adam"])
    assert summary(plan) == [("voicemail", (), "adam")]
    assert "adam → bob → cleo → adam" in plan.reasons[-1]
    assert plan.delegated_from == ("adam", "bob", "cleo")


def test_a_delegate_who_diverts_to_voicemail_takes_the_call_in_their_mailbox():
    world = (
        World().user("adam", availability="delegate", delegate="bob").user("bob", availability="voicemail")
    )
    plan = plan_for(world, NUMBERS["adam"])
    assert summary(plan) == [("voicemail", (), "bob")]
    assert plan.delegated_from == ("adam",)


@pytest.mark.parametrize(
    ("setting", "delegated", "expected"),
    [
        ("on", False, "Adam, there is a call from Lucy. Press star to receive, or replace the handset."),
        (
            "on_with_password",
            False,
            "Adam, there is a call from Lucy. Press star to receive, or replace the handset.",
        ),
        ("delegated_only", False, None),
        ("off", False, None),
        ("on", True, "There is a call for Adam from Lucy. Press star to receive, or replace the handset."),
        (
            "delegated_only",
            True,
            "There is a call for Adam from Lucy. Press star to receive, or replace the handset.",
        ),
        ("off", True, None),
    ],
)
def test_3_8_call_introduction_follows_the_answering_partys_setting(setting, delegated, expected):
    if delegated:
        world = World().user("adam", availability="delegate", delegate="bob").user("bob", intro=setting)
    else:
        world = World().user("adam", intro=setting).user("bob")
    intro = plan_for(world, NUMBERS["adam"]).steps[0].introduction[0]
    assert (intro.text if intro else None) == expected
    if intro:
        answerer = "bob" if delegated else "adam"
        assert intro.requires_password_of == (answerer if setting == "on_with_password" else None)


def test_3_8_an_unknown_caller_is_announced_without_a_name():
    world = World().user("adam", intro="on")
    intro = plan_for(world, NUMBERS["adam"], Caller("+441632960777")).steps[0].introduction[0]
    assert intro.text.startswith("Adam, there is a call for you.")


def test_3_7_team_rings_members_available_for_team_calls_and_reachable():
    world = (
        World()
        .user("adam", teams=("sales",))
        .user("bob", teams=("sales",), team_calls=False)
        .user("cleo", teams=("sales",), location="none")
        .user("dan", teams=("sales",), availability="voicemail")
        .team("sales", ["adam", "bob", "cleo", "dan"])
    )
    plan = plan_for(world, "+441632960999")
    assert summary(plan) == [("ring", (MOBILES["adam"],), None), ("voicemail", (), "team:sales")]
    reasons = " ".join(plan.reasons)
    assert "Bob is not rung: unavailable for team calls" in reasons
    assert "Cleo is not rung: location is None" in reasons
    assert "Dan is not rung: availability is voicemail" in reasons
    assert plan.steps[0].introduction == (None,)


def test_3_7_nobody_available_means_the_teams_voicemail():
    world = World().user("adam", teams=("sales",), team_calls=False).team("sales", ["adam"])
    assert summary(plan_for(world, "+441632960999")) == [("voicemail", (), "team:sales")]


def test_team_strategies_in_order_and_round_robin():
    world = (
        World()
        .user("adam", teams=("t",))
        .user("bob", teams=("t",))
        .team("t", ["adam", "bob"], strategy="in_order")
    )
    assert [s.targets for s in plan_for(world, "+441632960999").steps[:2]] == [
        (MOBILES["adam"],),
        (MOBILES["bob"],),
    ]

    world.team("t", ["adam", "bob"], strategy="round_robin")
    first = decide(world.view, "+441632960999", LUCY_CALLS)
    world.view.advance_round_robin(*first.round_robin_advance)
    second = decide(world.view, "+441632960999", LUCY_CALLS)
    assert first.plan.steps[0].targets == (MOBILES["adam"],)
    assert second.plan.steps[0].targets == (MOBILES["bob"],)


def test_a_queue_holds_callers_with_a_maximum_wait_then_voicemail():
    world = World().user("adam", teams=("help",)).team("help", ["adam"], kind="queue", max_wait=120)
    plan = plan_for(world, "+441632960999")
    assert summary(plan) == [("queue", (MOBILES["adam"],), None), ("voicemail", (), "team:help")]
    assert plan.steps[0].max_wait_seconds == 120


def test_a_team_call_introduces_the_team():
    world = World().user("adam", teams=("sales",), intro="delegated_only").team("sales", ["adam"])
    assert (
        plan_for(world, "+441632960999")
        .steps[0]
        .introduction[0]
        .text.startswith("There is a call for Sales from Lucy")
    )


def test_an_unknown_number_is_nobodys():
    plan = plan_for(World(), "+441632960123")
    assert plan.call_for_kind == "unknown" and plan.steps == ()


def test_3_4_voicemail_plays_todays_greeting_when_there_is_one_else_the_permanent_one():
    world = World().user("adam", availability="voicemail").greeting("adam", "permanent", "permanent")
    assert plan_for(world, NUMBERS["adam"]).steps[0].greeting == "permanent"
    world.greeting("adam", "today", "today")
    plan = plan_for(world, NUMBERS["adam"])
    assert plan.steps[0].greeting == "today" and "today's greeting" in plan.reasons[0]
    world.greeting("adam", "today", "permanent", recorded=False)  # deleted overnight
    assert plan_for(world, NUMBERS["adam"]).steps[0].greeting == "permanent"


def test_without_any_greeting_the_system_default_speaks():
    assert (
        plan_for(World().user("adam", availability="voicemail"), NUMBERS["adam"]).steps[0].greeting
        == "system"
    )


def test_3_9_extended_absence_ends_when_the_mailbox_says_so():
    world = World().user("adam").absent("adam")
    assert plan_for(world, NUMBERS["adam"]).steps[0].kind.value == "greeting_then_hang_up"
    world.back("adam")
    assert plan_for(world, NUMBERS["adam"]).steps[0].kind.value == "ring"


def test_3_8_the_introduction_uses_the_recorded_names_when_there_are_some():
    world = (
        World()
        .user("adam", availability="delegate", delegate="bob")
        .user("bob", intro="on")
        .greeting("adam", "name", "default_with_name")
    )
    intro = plan_for(world, NUMBERS["adam"]).steps[0].introduction[0]
    assert intro.for_name_recording == "mailbox:user:adam:name"
    assert intro.text.startswith("There is a call for Adam from Lucy")


@pytest.mark.parametrize(
    "adam",
    [
        {},
        {"availability": "delegate", "delegate": "bob", "vips": (LUCY,)},
        {"location": "none", "availability": "voicemail"},
    ],
    ids=["available", "delegate with a VIP calling", "None and Voicemail"],
)
def test_3_1_1_the_mailbox_number_reaches_the_mailbox_whatever_the_settings(adam):
    world = World().user("adam", **adam).user("bob").greeting("adam", "permanent", "permanent")
    plan = plan_for(world, MAILBOXES["adam"])
    assert (plan.organisation_id, plan.call_for_kind, plan.call_for) == ("acme", "user", "adam")
    assert summary(plan) == [("voicemail", (), "adam")]
    assert plan.steps[0].greeting == "permanent"
    assert plan.mailbox_access is True and plan.delegated_from == ()
    assert "your mailbox number" in plan.reasons[0] and "§3.1.1" in plan.reasons[0]
    assert plan_for(world, NUMBERS["adam"]).mailbox_access is False


@pytest.mark.parametrize("location", ["mobile", "none"])
def test_3_6_with_no_messages_the_mailbox_number_plays_the_greeting_and_takes_no_message(location):
    """§3.6 No messages: "callers will not be able to leave voicemail messages", on the mailbox
    number too; the owner can still press star and sign in (mailbox access stays)."""
    world = (
        World()
        .user("adam", location=location, availability="no_messages")
        .greeting("adam", "permanent", "permanent")
    )
    plan = plan_for(world, MAILBOXES["adam"])
    assert summary(plan) == [("greeting_then_hang_up", (), "adam")]
    assert plan.steps[0].greeting == "permanent"
    assert plan.mailbox_access is True and plan.call_for == "adam"
    assert "No messages" in plan.reasons[1] and "§3.6" in plan.reasons[1]


def test_3_1_1_extended_absence_is_left_to_the_mailbox_on_the_mailbox_number():
    plan = plan_for(World().user("adam").user("bob").absent("adam"), MAILBOXES["adam"])
    assert summary(plan) == [("voicemail", (), "adam")] and plan.mailbox_access is True


def test_3_1_1_a_changed_or_removed_mailbox_number_is_nobodys():
    world = World().user("adam").user("bob").profile("adam", mailbox_number="+441632960199")
    assert plan_for(world, MAILBOXES["adam"]).call_for_kind == "unknown"
    assert plan_for(world, "+441632960199").mailbox_access is True
    assert plan_for(world, NUMBERS["adam"]).call_for == "adam", "the smartnumber is untouched"
    world.removed("adam")
    assert plan_for(world, "+441632960199").call_for_kind == "unknown"
    assert plan_for(world, MAILBOXES["bob"]).call_for == "bob"
