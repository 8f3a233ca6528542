"""Routing as the gateway and users meet it: the plan on the bus, explain mode, call records."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
import nats
import pytest
from smartnumbers_contracts import calls as call_wire
from smartnumbers_contracts import directory as dir_wire
from smartnumbers_contracts import routing as wire
from smartnumbers_kit.devdirectory import publish

from services.presence.tests.e2e import BusWatcher, envelope, eventually, presence_process
from services.routing.tests.e2e import create_people, routing_process


@pytest.fixture(scope="module")
def services(tmp_path_factory, nats_server, dev_keys):
    tmp = tmp_path_factory.mktemp("routing")
    presence = presence_process(tmp, nats_server.url, dev_keys[1])
    routing = routing_process(tmp, nats_server.url, dev_keys[1])
    presence.start()
    routing.start()
    yield presence, routing
    routing.stop()
    presence.stop()


@pytest.fixture
def org():
    return f"org-{uuid.uuid4().hex[:8]}"


def numbers():
    n = uuid.uuid4().int % 900000 + 100000
    return f"+44163296{n % 10000:04d}", f"+44163296{(n + 1) % 10000:04d}"


async def people(nats_url, presence_url, mint, org, **smartnumbers):
    await create_people(nats_url, org, smartnumbers)
    async with httpx.AsyncClient(
        base_url=presence_url, headers={"Authorization": f"Bearer {mint('a', org, 'admin')}"}
    ) as c:
        for user in smartnumbers:
            await eventually(lambda u=user: c.get(f"/v1/users/{u}/presence"), lambda r: r.status_code == 200)


def as_user(url, token):
    return httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"})


async def test_story_a_change_in_presence_is_reflected_by_the_next_decision(services, nats_server, mint, org):
    presence, routing = services
    adam_number, bob_number = numbers()
    await people(nats_server.url, presence.url, mint, org, adam=adam_number, bob=bob_number)
    async with (
        as_user(presence.url, mint("adam", org)) as adam_p,
        as_user(routing.url, mint("adam", org)) as adam_r,
    ):
        # 1. Adam's location is None: calls go to voicemail, and explain mode says why.
        plan = (await adam_r.get("/v1/route", params={"to": adam_number})).json()
        assert [s["kind"] for s in plan["steps"]] == ["voicemail"]
        assert "location is None" in plan["reasons"][0]
        # 2. He selects Mobile; the very next decision rings it.
        await adam_p.patch("/v1/users/me/numbers", json={"mobile": "07700 900100"})
        await adam_p.put("/v1/users/me/location", json={"location": "mobile"})
        plan = (await adam_r.get("/v1/route", params={"to": adam_number, "from": "+447700900555"})).json()
        assert [(s["kind"], s["targets"]) for s in plan["steps"]] == [
            ("ring", ["+447700900100"]),
            ("voicemail", []),
        ]
        # 3. He delegates to Bob (location None): the call goes to Bob's voicemail.
        await adam_p.put("/v1/users/me/availability", json={"availability": "delegate", "delegate_id": "bob"})
        plan = (await adam_r.get("/v1/route", params={"to": adam_number})).json()
        assert [(s["kind"], s["mailbox"]) for s in plan["steps"]] == [("voicemail", "bob")]
        assert plan["delegated_from"] == ["adam"]

    # 4. The gateway asks on the bus and gets the same plan.
    nc = await nats.connect(nats_server.url)
    try:
        request = wire.PlanRequest(
            call_id="c1", dialled=adam_number, caller_number="+447700900555", at=datetime.now(UTC)
        )
        reply = await nc.request(wire.PLAN_REQUEST_SUBJECT, request.model_dump_json().encode(), timeout=2)
        plan = wire.RoutingPlan.model_validate_json(reply.data)
        assert (plan.call_id, plan.organisation_id, plan.call_for) == ("c1", org, "adam")
        assert [(s.kind.value, s.mailbox) for s in plan.steps] == [("voicemail", "bob")]
    finally:
        await nc.close()


async def test_story_dialling_a_mailbox_number_reaches_the_mailbox_and_lets_the_owner_sign_in(
    services, nats_server, mint, org
):
    presence, routing = services
    adam_number, adam_mailbox = numbers()
    bob_number, new_mailbox = numbers()
    await people(nats_server.url, presence.url, mint, org, bob=bob_number)
    await create_people(nats_server.url, org, {"adam": adam_number}, mailboxes={"adam": adam_mailbox})
    nc = await nats.connect(nats_server.url)

    async def ask(dialled: str) -> wire.RoutingPlan:
        request = wire.PlanRequest(
            call_id="c-mb", dialled=dialled, caller_number="+447700900555", at=datetime.now(UTC)
        )
        reply = await nc.request(wire.PLAN_REQUEST_SUBJECT, request.model_dump_json().encode(), timeout=2)
        return wire.RoutingPlan.model_validate_json(reply.data)

    try:
        async with (
            as_user(routing.url, mint("adam", org)) as adam,
            as_user(routing.url, mint("bob", org)) as bob,
        ):
            # 1. Adam's mailbox number (§3.1.1): straight to his mailbox; he may sign in.
            plan = (await adam.get("/v1/route", params={"to": adam_mailbox})).json()
            assert plan["mailbox_access"] is True and (plan["call_for_kind"], plan["call_for"]) == (
                "user",
                "adam",
            )
            assert [(s["kind"], s["mailbox"], s["greeting"]) for s in plan["steps"]] == [
                ("voicemail", "adam", "system")
            ]
            assert "your mailbox number" in plan["reasons"][0] and "§3.1.1" in plan["reasons"][0]
            assert (await adam.get("/v1/route", params={"to": adam_number})).json()["mailbox_access"] is False
            # 2. The gateway asks on the bus and gets the same plan.
            asked = await ask(adam_mailbox)
            assert (asked.call_id, asked.organisation_id, asked.call_for, asked.mailbox_access) == (
                "c-mb",
                org,
                "adam",
                True,
            )
            assert [(s.kind.value, s.mailbox) for s in asked.steps] == [("voicemail", "adam")]
            # 3. Bob may not see where Adam's mailbox number goes.
            assert (await bob.get("/v1/route", params={"to": adam_mailbox})).status_code == 403
            # 4. The directory gives Adam a new mailbox number: the old one is nobody's.
            await publish(
                nats_server.url,
                dir_wire.UserUpdated(
                    **envelope(org),
                    user_id="adam",
                    profile=dir_wire.UserProfile(
                        display_name="Adam", smartnumber=adam_number, mailbox_number=new_mailbox
                    ),
                ),
            )
            assert (await adam.get("/v1/route", params={"to": new_mailbox})).json()["mailbox_access"] is True
            assert (await adam.get("/v1/route", params={"to": adam_mailbox})).status_code == 404
            assert (await ask(adam_mailbox)).call_for_kind == "unknown"
            # 5. Adam is removed: his mailbox number is nobody's either.
            await publish(nats_server.url, dir_wire.UserRemoved(**envelope(org), user_id="adam"))
            async with as_user(routing.url, mint("boss", org, "admin")) as admin:
                assert (await admin.get("/v1/route", params={"to": new_mailbox})).status_code == 404
            assert (await ask(new_mailbox)).call_for_kind == "unknown"
    finally:
        await nc.close()


async def test_explain_mode_is_for_the_callee_or_an_admin(services, nats_server, mint, org):
    presence, routing = services
    adam_number, bob_number = numbers()
    await people(nats_server.url, presence.url, mint, org, adam=adam_number, bob=bob_number)
    async with as_user(routing.url, mint("bob", org)) as bob:
        r = await bob.get("/v1/route", params={"to": adam_number})
        assert r.status_code == 403
        assert (await bob.get("/v1/route", params={"to": "07700 900100"})).status_code == 422
    async with as_user(routing.url, mint("boss", org, "admin")) as admin:
        assert (await admin.get("/v1/route", params={"to": adam_number})).status_code == 200
    async with as_user(routing.url, mint("eve", f"{org}-x", "admin")) as other:
        assert (await other.get("/v1/route", params={"to": adam_number})).status_code == 404
    async with httpx.AsyncClient(base_url=routing.url) as anonymous:
        assert (await anonymous.get("/v1/route", params={"to": adam_number})).status_code == 401


async def test_call_records_from_the_gateways_events(services, nats_server, mint, org):
    _, routing = services
    adam_number, bob_number = numbers()
    await create_people(nats_server.url, org, {"adam": adam_number, "bob": bob_number})
    t0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def at(seconds, e):
        return {**envelope(org), "occurred_at": t0 + timedelta(seconds=seconds), **e}

    delegated, lost, voicemail, team_call = "call-d", "call-l", "call-v", "call-t"
    events = [
        # A call to the sales team rings Adam and Bob; the second, Bob, answers.
        call_wire.CallStarted(
            **at(300, {}),
            call_id=team_call,
            direction="inbound",
            caller_number="+447700900888",
            dialled="+441632960999",
            intended_team_id="sales",
        ),
        call_wire.CallRinging(
            **at(301, {}), call_id=team_call, user_id="adam", target_number="+447700900100"
        ),
        call_wire.CallRinging(**at(301, {}), call_id=team_call, user_id="bob", target_number="+447700900200"),
        call_wire.CallAnswered(**at(309, {}), call_id=team_call, answered_by_user_id="bob"),
        call_wire.CallEnded(**at(369, {}), call_id=team_call, hung_up_by="callee", cause="Normal Clearing"),
        # A call to Adam, delegated to Bob, answered by Bob after 6 s, 60 s of talk.
        call_wire.CallStarted(
            **at(0, {}),
            call_id=delegated,
            direction="inbound",
            caller_number="+447700900555",
            dialled=adam_number,
            intended_user_id="adam",
        ),
        call_wire.CallRinging(**at(1, {}), call_id=delegated, user_id="bob", target_number="+447700900200"),
        call_wire.CallAnswered(**at(6, {}), call_id=delegated, answered_by_user_id="bob"),
        call_wire.CallEnded(**at(66, {}), call_id=delegated, hung_up_by="caller", cause="Normal Clearing"),
        # A call to Adam: the caller hangs up after 10 s of ringing: lost.
        call_wire.CallStarted(
            **at(100, {}),
            call_id=lost,
            direction="inbound",
            caller_number="+447700900666",
            dialled=adam_number,
            intended_user_id="adam",
        ),
        call_wire.CallEnded(**at(110, {}), call_id=lost, hung_up_by="caller", cause="Normal Clearing"),
        # A call to Adam that ends in his voicemail.
        call_wire.CallStarted(
            **at(200, {}),
            call_id=voicemail,
            direction="inbound",
            caller_number="+447700900777",
            dialled=adam_number,
            intended_user_id="adam",
        ),
        call_wire.VoicemailLeft(**at(220, {}), call_id=voicemail, mailbox="adam"),
        call_wire.CallEnded(**at(240, {}), call_id=voicemail, hung_up_by="caller", cause="Normal Clearing"),
    ]
    async with BusWatcher(nats_server.url, "routing.>") as bus:
        nc = await nats.connect(nats_server.url)
        js = nc.jetstream()
        for e in events:
            await js.publish(e.subject, e.to_bytes(), headers={"Nats-Msg-Id": str(e.event_id)})
        await nc.close()
        delegated_event = await bus.next_matching("routing.call.delegated.v1", organisation_id=org)
        lost_event = await bus.next_matching("routing.call.lost.v1", organisation_id=org)
    assert (delegated_event["intended_user_id"], delegated_event["delegate_id"]) == ("adam", "bob")
    assert (lost_event["intended_user_id"], lost_event["ring_seconds"]) == ("adam", 10.0)

    async with as_user(routing.url, mint("adam", org)) as adam, as_user(routing.url, mint("bob", org)) as bob:
        mine = (await adam.get("/v1/calls")).json()
        assert {c["call_id"]: c["outcome"] for c in mine} == {
            delegated: "answered",
            lost: "lost",
            voicemail: "voicemail",
        }
        by_id = {c["call_id"]: c for c in mine}
        assert by_id[delegated]["actual_recipient"] == "bob"
        assert (by_id[delegated]["ring_seconds"], by_id[delegated]["talk_seconds"]) == (6.0, 60.0)
        assert by_id[voicemail]["actual_recipient"] == "voicemail:adam"
        missed = (await adam.get("/v1/calls", params={"missed_only": "true"})).json()
        assert {c["call_id"] for c in missed} == {lost, voicemail}
        # Bob sees the calls he took (the delegated one, the team's); he cannot read Adam's.
        bobs = {c["call_id"]: c for c in (await bob.get("/v1/calls")).json()}
        assert set(bobs) == {delegated, team_call}
        assert (
            bobs[team_call]["intended_team_id"],
            bobs[team_call]["actual_recipient"],
            bobs[team_call]["outcome"],
            bobs[team_call]["ring_seconds"],
        ) == ("sales", "bob", "answered", 9.0)
        assert (await bob.get("/v1/calls", params={"user_id": "adam"})).status_code == 403
        (day,) = (await adam.get("/v1/calls/summary", params={"period": "day"})).json()
        assert (
            day["period_start"],
            day["calls_in"],
            day["answered"],
            day["missed"],
            day["voicemail"],
            day["lost"],
        ) == ("2026-11-23", 3, 1, 2, 1, 1)
        assert day["average_ring_seconds"] == round((6 + 10 + 20) / 3, 1)
    async with as_user(routing.url, mint("boss", org, "admin")) as admin:
        (week,) = (await admin.get("/v1/calls/summary", params={"period": "week", "user_id": "*"})).json()
        assert week["period_start"] == "2026-11-23" and week["calls_in"] == 4 and week["answered"] == 2


async def test_the_gateways_question_falls_back_to_voicemail_when_routing_is_absent_or_slow(
    fresh_nats_server,
):
    from smartnumbers_kit.plans import ask_for_plan

    request = wire.PlanRequest(call_id="c9", dialled="+441632969999", at=datetime.now(UTC))
    nc = await nats.connect(fresh_nats_server.url)
    try:
        # 1. No routing service at all: voicemail at once.
        absent = await ask_for_plan(nc, request, timeout=0.2)

        # 2. A routing that takes the question and never answers: voicemail at the deadline.
        async def never_answers(msg):
            pass

        await nc.subscribe(wire.PLAN_REQUEST_SUBJECT, queue="routing", cb=never_answers)
        await nc.flush()
        slow = await ask_for_plan(nc, request, timeout=0.2)
    finally:
        await nc.close()
    for plan in (absent, slow):
        assert plan.fallback is True and plan.call_id == "c9"
        assert [s.kind.value for s in plan.steps] == ["voicemail"]
    assert "no routing service is running" in absent.reasons[0]
    assert "no answer within 200 ms" in slow.reasons[0]


async def test_story_asking_why_never_moves_a_round_robin_rota_on(services, nats_server, mint, org):
    """Explain mode (GET /v1/route) shows the plan a call would follow; only a real call moves the rota."""
    presence, routing = services
    adam_number, bob_number = numbers()
    cleo_number, team_number = numbers()
    await people(nats_server.url, presence.url, mint, org, adam=adam_number, bob=bob_number, cleo=cleo_number)
    members = ["adam", "bob", "cleo"]
    mobiles = {"adam": "+447700900101", "bob": "+447700900202", "cleo": "+447700900303"}
    team = dir_wire.TeamDefinition(
        kind="team", name="Sales", smartnumber=team_number, members=members, strategy="round_robin"
    )
    await publish(
        nats_server.url,
        dir_wire.TeamCreated(**envelope(org), team_id="sales", team=team),
        *(dir_wire.UserTeamsChanged(**envelope(org), user_id=u, active_in=["sales"]) for u in members),
    )
    for user in members:
        async with as_user(presence.url, mint(user, org)) as p:
            await p.patch("/v1/users/me/numbers", json={"mobile": mobiles[user]})
            await p.put("/v1/users/me/location", json={"location": "mobile"})
    rings = {number: user for user, number in mobiles.items()}
    nc = await nats.connect(nats_server.url)

    def first_rung(plan: dict) -> str:
        return rings[plan["steps"][0]["targets"][0]]

    try:
        async with as_user(routing.url, mint("boss", org, "admin")) as admin:
            # 1. Once presence has told routing that all three are reachable, explain mode shows the rota.
            plan = (
                await eventually(
                    lambda: admin.get("/v1/route", params={"to": team_number}),
                    lambda r: r.status_code == 200 and len(r.json()["steps"]) == 4,
                )
            ).json()
            head = first_rung(plan)
            # 2. Asking why twice more changes nothing: the same member is first each time.
            for _ in range(2):
                again = (await admin.get("/v1/route", params={"to": team_number})).json()
                assert first_rung(again) == head
        # 3. A real call (the gateway's question on the bus) rings the member the rota said.
        request = wire.PlanRequest(call_id="c-rr", dialled=team_number, at=datetime.now(UTC))
        reply = await nc.request(wire.PLAN_REQUEST_SUBJECT, request.model_dump_json().encode(), timeout=2)
        called = wire.RoutingPlan.model_validate_json(reply.data)
        assert rings[called.steps[0].targets[0]] == head
        # 4. ... and that call, being real, moves the rota on for the next one.
        reply = await nc.request(wire.PLAN_REQUEST_SUBJECT, request.model_dump_json().encode(), timeout=2)
        following = wire.RoutingPlan.model_validate_json(reply.data)
        assert rings[following.steps[0].targets[0]] == members[(members.index(head) + 1) % 3]
    finally:
        await nc.close()
