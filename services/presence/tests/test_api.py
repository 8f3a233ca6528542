"""Presence's REST API as a user sees it, against a real process, nats-server and store."""

from __future__ import annotations

import uuid

import httpx
import pytest

from services.presence.tests.e2e import BusWatcher, create_users, presence_process


@pytest.fixture(scope="module")
def service(tmp_path_factory, nats_server, dev_keys):
    process = presence_process(
        tmp_path_factory.mktemp("presence"),
        nats_server.url,
        dev_keys[1],
        CALL_MANAGER_TTL_SECONDS="0.6",
        CALL_MANAGER_SWEEP_SECONDS="0.1",
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture
def org():
    return f"org-{uuid.uuid4().hex[:8]}"


def client(service, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=service.url, headers={"Authorization": f"Bearer {token}"})


async def test_story_set_numbers_select_mobile_delegate_and_read(service, nats_server, mint, org):
    await create_users(nats_server.url, service.url, mint("admin", org, "admin"), org, "alice", "bob")
    async with client(service, mint("alice", org)) as alice, BusWatcher(nats_server.url) as bus:
        # 1. Alice keeps her numbers, in national format.
        r = await alice.patch("/v1/users/me/numbers", json={"desk": "01632 960001", "mobile": "07700 900001"})
        assert r.status_code == 200, r.text
        assert r.json()["numbers"]["mobile"] == "+447700900001"
        # 2. She selects Mobile: calls now ring her mobile, and the bus hears of it.
        r = await alice.put("/v1/users/me/location", json={"location": "mobile"})
        assert r.json()["location_number"] == "+447700900001"
        event = await bus.next_matching(
            "presence.user.location_changed.v1", organisation_id=org, user_id="alice"
        )
        assert (event["location"], event["previous_location"], event["cause"]) == (
            "mobile",
            "none",
            "selected",
        )
        # 3. She diverts her calls to Bob.
        r = await alice.put(
            "/v1/users/me/availability", json={"availability": "delegate", "delegate_id": "bob"}
        )
        assert r.status_code == 200, r.text
        event = await bus.next_matching("presence.user.availability_changed.v1", organisation_id=org)
        assert (event["availability"], event["delegate_id"]) == ("delegate", "bob")
        # 4. Bob reads Alice's presence; both appear in a batch read.
        async with client(service, mint("bob", org)) as bob:
            seen = (await bob.get("/v1/users/alice/presence")).json()
            assert (seen["location"], seen["availability"], seen["delegate_id"]) == (
                "mobile",
                "delegate",
                "bob",
            )
            batch = await bob.post("/v1/presence/batch", json={"user_ids": ["alice", "bob", "nobody"]})
            assert [p["user_id"] for p in batch.json()] == ["alice", "bob"]


async def test_hot_desking_through_the_api_raises_both_events(service, nats_server, mint, org):
    await create_users(nats_server.url, service.url, mint("admin", org, "admin"), org, "alice", "bob")
    async with (
        client(service, mint("alice", org)) as alice,
        client(service, mint("bob", org)) as bob,
        BusWatcher(nats_server.url) as bus,
    ):
        await alice.patch("/v1/users/me/numbers", json={"desk": "01632 960001"})
        await alice.put("/v1/users/me/location", json={"location": "desk"})
        await bob.put("/v1/users/me/location", json={"location": "temporary", "number": "01632 960001"})
        bumped = await bus.next_matching(
            "presence.user.location_changed.v1", organisation_id=org, user_id="alice", cause="hot_desk"
        )
        assert bumped["location"] == "none" and bumped["displaced_by"] == "bob"
        await bus.next_matching(
            "presence.user.location_changed.v1", organisation_id=org, user_id="bob", location="temporary"
        )
        assert (await alice.get("/v1/users/me/presence")).json()["calls_go_to_voicemail"] is True


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/v1/users/me/location", {"location": "moon"}, 422, "location"),
        ("/v1/users/me/location", {"location": "home"}, 422, "you have no home number"),
        ("/v1/users/me/location", {"location": "temporary"}, 422, "needs the number"),
        ("/v1/users/me/numbers", {"mobile": "12"}, 422, "mobile number '12'"),
        ("/v1/users/me/numbers", {"mobile": "not a number"}, 422, "not a phone number"),
        ("/v1/users/me/numbers", {"pager": "07700 900001"}, 422, "pager"),
        ("/v1/users/me/availability", {"availability": "asleep"}, 422, "availability"),
        ("/v1/users/me/availability", {"availability": "delegate"}, 422, "choose a delegate"),
        (
            "/v1/users/me/availability",
            {"availability": "delegate", "delegate_id": "alice"},
            422,
            "your own delegate",
        ),
        (
            "/v1/users/me/availability",
            {"availability": "delegate", "delegate_id": "ghost"},
            422,
            "'ghost' is not a user",
        ),
    ],
)
async def test_bad_input_gets_a_clear_4xx_and_changes_nothing(
    service, nats_server, mint, org, path, body, status, message
):
    await create_users(nats_server.url, service.url, mint("admin", org, "admin"), org, "alice")
    async with client(service, mint("alice", org)) as alice:
        before = (await alice.get("/v1/users/me/presence")).json()
        r = await alice.request("PUT" if "numbers" not in path else "PATCH", path, json=body)
        assert r.status_code == status
        assert message in r.text
        assert "Traceback" not in r.text
        assert (await alice.get("/v1/users/me/presence")).json() == before


async def test_who_may_do_what(service, nats_server, mint, org):
    other_org = f"{org}-other"
    await create_users(nats_server.url, service.url, mint("admin", org, "admin"), org, "alice", "bob")
    await create_users(nats_server.url, service.url, mint("admin", other_org, "admin"), other_org, "mallory")
    async with httpx.AsyncClient(base_url=service.url) as anonymous:
        assert (await anonymous.get("/v1/users/alice/presence")).status_code == 401
        bad = await anonymous.get("/v1/users/alice/presence", headers={"Authorization": "Bearer nonsense"})
        assert bad.status_code == 401 and "not valid" in bad.json()["detail"]
    expired = mint("alice", org, ttl_seconds=-10)
    async with client(service, expired) as c:
        assert (await c.get("/v1/users/me/presence")).json()["detail"] == "the token has expired"
    async with client(service, mint("bob", org)) as bob:
        r = await bob.put("/v1/users/alice/location", json={"location": "none"})
        assert r.status_code == 403 and "only your own" in r.json()["detail"]
    async with client(service, mint("boss", org, "admin")) as admin:
        assert (
            await admin.put("/v1/users/alice/team-availability", json={"available_for_team_calls": False})
        ).status_code == 200
    async with client(service, mint("mallory", other_org)) as mallory:
        assert (await mallory.get("/v1/users/alice/presence")).status_code == 404
        r = await mallory.put(
            "/v1/users/me/availability", json={"availability": "delegate", "delegate_id": "alice"}
        )
        assert r.status_code == 422
    async with client(service, mint("root", other_org, "admin")) as other_admin:
        assert (
            await other_admin.put("/v1/users/alice/location", json={"location": "none"})
        ).status_code == 404


async def test_call_manager_connection_expires_when_heartbeats_stop(service, nats_server, mint, org):
    await create_users(nats_server.url, service.url, mint("admin", org, "admin"), org, "alice")
    async with client(service, mint("alice", org)) as alice, BusWatcher(nats_server.url) as bus:
        await alice.put("/v1/users/me/availability", json={"availability": "pc_ring"})
        r = await alice.post("/v1/users/me/call-manager/sessions")
        assert r.status_code == 201
        session = r.json()["session_id"]
        assert (await alice.get("/v1/users/me/presence")).json()["pc_ring_honoured"] is True
        assert (
            await alice.post(f"/v1/users/me/call-manager/sessions/{session}/heartbeat")
        ).status_code == 204
        # No more heartbeats: the session expires and PC ring is no longer honoured.
        event = await bus.next_matching("presence.user.call_manager_disconnected.v1", organisation_id=org)
        assert event["expired"] is True and event["connected_sessions"] == 0
        presence = (await alice.get("/v1/users/me/presence")).json()
        assert presence["call_manager_connected"] is False and presence["pc_ring_honoured"] is False
        assert (
            await alice.post(f"/v1/users/me/call-manager/sessions/{session}/heartbeat")
        ).status_code == 404


async def test_operational_endpoints(service):
    async with httpx.AsyncClient(base_url=service.url) as c:
        assert (await c.get("/healthz")).json() == {"status": "alive"}
        ready = (await c.get("/readyz")).json()
        assert ready == {"ready": True, "checks": {"nats": True, "store": True}}
        assert "relay_published_total" in (await c.get("/metrics")).text
        assert (await c.get("/docs")).status_code == 200


async def test_presence_follows_the_directory_renaming_removing_and_assigning_teams(
    service, nats_server, mint, org
):
    from smartnumbers_contracts import directory as wire
    from smartnumbers_kit.devdirectory import publish

    from services.presence.tests.e2e import envelope, eventually

    await create_users(nats_server.url, service.url, mint("admin", org, "admin"), org, "alice")
    profile = wire.UserProfile(display_name="Alice Archer-Smith")
    await publish(
        nats_server.url,
        wire.UserUpdated(**envelope(org), user_id="alice", profile=profile),
        wire.UserTeamsChanged(**envelope(org), user_id="alice", active_in=["support", "sales"]),
    )
    async with client(service, mint("alice", org)) as alice:
        seen = await eventually(
            lambda: alice.get("/v1/users/me/presence"),
            lambda r: r.json()["active_in"] == ["sales", "support"],
        )
        assert seen.json()["display_name"] == "Alice Archer-Smith"
        await publish(nats_server.url, wire.UserRemoved(**envelope(org), user_id="alice"))
    # Presence forgets her (and her own token is refused from then on: see the directory's tests).
    async with client(service, mint("admin", org, "admin")) as admin:
        await eventually(lambda: admin.get("/v1/users/alice/presence"), lambda r: r.status_code == 404)


async def test_call_introduction_setting_is_kept_and_announced(service, nats_server, mint, org):
    await create_users(nats_server.url, service.url, mint("admin", org, "admin"), org, "alice")
    async with client(service, mint("alice", org)) as alice, BusWatcher(nats_server.url) as bus:
        assert (await alice.get("/v1/users/me/presence")).json()["call_introduction"] == "off"
        r = await alice.put("/v1/users/me/call-introduction", json={"call_introduction": "on_with_password"})
        assert r.status_code == 200 and r.json()["call_introduction"] == "on_with_password"
        event = await bus.next_matching("presence.user.call_introduction_changed.v1", organisation_id=org)
        assert event["call_introduction"] == "on_with_password"
        bad = await alice.put("/v1/users/me/call-introduction", json={"call_introduction": "loud"})
        assert bad.status_code == 422 and "call_introduction" in bad.text


async def test_story_call_reporting_is_set_partially_kept_and_announced(service, nats_server, mint, org):
    await create_users(nats_server.url, service.url, mint("admin", org, "admin"), org, "alice", "bob")
    async with client(service, mint("alice", org)) as alice, BusWatcher(nats_server.url) as bus:
        # 1. Alice starts with no SMS alerts of lost or delegated calls (§3.6.6–§3.6.9).
        seen = (await alice.get("/v1/users/me/presence")).json()
        assert seen["call_reporting"] == {"lost_calls": False, "delegated_calls": False}
        # 2. She asks for lost-call alerts: the setting is kept and the bus hears the full state.
        r = await alice.put("/v1/users/me/call-reporting", json={"lost_calls": True})
        assert r.status_code == 200, r.text
        assert r.json()["call_reporting"] == {"lost_calls": True, "delegated_calls": False}
        event = await bus.next_matching(
            "presence.user.call_reporting_changed.v1", organisation_id=org, user_id="alice"
        )
        assert (event["lost_calls"], event["delegated_calls"]) == (True, False)
        # 3. Delegated-call alerts on: the lost-call flag she set stays.
        r = await alice.put("/v1/users/me/call-reporting", json={"delegated_calls": True})
        assert r.json()["call_reporting"] == {"lost_calls": True, "delegated_calls": True}
        await bus.next_matching(
            "presence.user.call_reporting_changed.v1",
            organisation_id=org,
            user_id="alice",
            lost_calls=True,
            delegated_calls=True,
        )
        # 4. Read back by her administrator; a colleague does not see her settings.
        async with client(service, mint("admin", org, "admin")) as admin:
            seen = (await admin.get("/v1/users/alice/presence")).json()
            assert seen["call_reporting"] == {"lost_calls": True, "delegated_calls": True}
        async with client(service, mint("bob", org)) as bob:
            assert "call_reporting" not in (await bob.get("/v1/users/alice/presence")).json()
            # 5. Bob may not change Alice's.
            r = await bob.put("/v1/users/alice/call-reporting", json={"lost_calls": False})
            assert r.status_code == 403 and "only your own" in r.json()["detail"]
        # 6. An empty body, an unknown flag or a non-boolean is refused with a clear 422.
        empty = await alice.put("/v1/users/me/call-reporting", json={})
        assert empty.status_code == 422 and "give lost_calls, delegated_calls or both" in empty.text
        unknown = await alice.put("/v1/users/me/call-reporting", json={"lost_calls": True, "missed": True})
        assert unknown.status_code == 422 and "missed" in unknown.text
        assert (
            await alice.put("/v1/users/me/call-reporting", json={"lost_calls": "maybe"})
        ).status_code == 422
        # 7. The gateway (role service, from the phone menu) switches lost-call alerts off.
        async with client(service, mint("gateway", org, "service")) as gateway:
            r = await gateway.put("/v1/users/alice/call-reporting", json={"lost_calls": False})
            assert r.status_code == 200, r.text
            assert r.json()["call_reporting"] == {"lost_calls": False, "delegated_calls": True}
        await bus.next_matching(
            "presence.user.call_reporting_changed.v1",
            organisation_id=org,
            user_id="alice",
            lost_calls=False,
            delegated_calls=True,
        )
        # 8. Setting what is already set changes nothing and announces nothing.
        same = await alice.put(
            "/v1/users/me/call-reporting", json={"lost_calls": False, "delegated_calls": True}
        )
        assert same.status_code == 200
        await alice.put("/v1/users/me/call-introduction", json={"call_introduction": "on"})
        await bus.next_matching(
            "presence.user.call_introduction_changed.v1", organisation_id=org, user_id="alice"
        )
        reports = [
            p
            for s, p in bus.messages
            if s == "presence.user.call_reporting_changed.v1" and p["organisation_id"] == org
        ]
        assert len(reports) == 3


async def test_story_toll_fraud_a_location_must_be_a_kind_of_number_the_organisation_allows(
    service, nats_server, mint, org
):
    """A user cannot have the company's calls forwarded to a premium-rate number: the directory's
    location policy (premium and special-rate refused by default) is enforced here."""
    from smartnumbers_contracts import directory as wire
    from smartnumbers_kit.devdirectory import publish

    from services.presence.tests.e2e import envelope, eventually

    await create_users(nats_server.url, service.url, mint("admin", org, "admin"), org, "alice")
    premium, special, french = "0909 879 0000", "070 1234 5678", "+33 6 12 34 56 78"
    async with client(service, mint("alice", org)) as alice:
        # 1. By default a premium-rate or special-rate number is refused, saying why; nothing changes.
        r = await alice.put("/v1/users/me/location", json={"location": "temporary", "number": premium})
        assert r.status_code == 422
        assert r.json()["detail"] == (
            "the temporary number +449098790000 is a premium-rate number, which your organisation "
            "does not allow as a location (allowed: national, mobile, international, unknown); "
            "ask an administrator"
        )
        r = await alice.patch("/v1/users/me/numbers", json={"home": special, "mobile": french})
        assert r.status_code == 422 and "special-rate" in r.json()["detail"]
        seen = (await alice.get("/v1/users/me/presence")).json()
        assert seen["location"] == "none" and seen["numbers"]["mobile"] is None
        # 2. National, mobile and international numbers are fine.
        assert (await alice.patch("/v1/users/me/numbers", json={"mobile": french})).status_code == 200
        assert (await alice.put("/v1/users/me/location", json={"location": "mobile"})).status_code == 200
        # 3. The administrator allows premium-rate numbers (the directory's event): now it is accepted.
        allow = [*wire.DEFAULT_LOCATION_NUMBER_KINDS, wire.LocationNumberKind.PREMIUM]
        await publish(nats_server.url, wire.LocationPolicyChanged(**envelope(org), allowed=allow))
        await eventually(
            lambda: alice.put("/v1/users/me/location", json={"location": "temporary", "number": premium}),
            lambda r: r.status_code == 200,
        )
        # 4. National numbers only: the French mobile she kept can no longer be selected.
        national = [wire.LocationNumberKind.NATIONAL, wire.LocationNumberKind.UNKNOWN]
        await publish(nats_server.url, wire.LocationPolicyChanged(**envelope(org), allowed=national))
        r = await eventually(
            lambda: alice.put("/v1/users/me/location", json={"location": "mobile"}),
            lambda r: r.status_code == 422,
        )
        assert "+33612345678 is an international number" in r.json()["detail"]
        assert (await alice.get("/v1/users/me/presence")).json()["location"] == "temporary"
