"""Colleagues see where you are, not your private numbers (user guide §1, §4): the directory
shows each person's location and availability; the numbers behind a location, the schedule and
the ring sequence are the user's own, their administrators' and the services'."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from services.presence.tests.e2e import create_users, presence_process
from services.presence.tests.test_feed import sse_events

HOME = "+441632960999"


@pytest.fixture(scope="module")
def service(tmp_path_factory, nats_server, dev_keys):
    process = presence_process(tmp_path_factory.mktemp("presence-colleagues"), nats_server.url, dev_keys[1])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def org():
    return f"org-{uuid.uuid4().hex[:8]}"


def client(service, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=service.url, headers={"Authorization": f"Bearer {token}"}, timeout=10)


async def alice_at_home(service, nats_server, mint, org) -> None:
    await create_users(nats_server.url, service.url, mint("boss", org, "admin"), org, "alice", "bob")
    async with client(service, mint("alice", org)) as alice:
        assert (await alice.patch("/v1/users/me/numbers", json={"home": HOME})).status_code == 200
        assert (await alice.put("/v1/users/me/location", json={"location": "home"})).status_code == 200


async def test_story_a_colleague_reads_where_alice_is_but_not_her_home_number(
    service, nats_server, mint, org
):
    await alice_at_home(service, nats_server, mint, org)
    # 1. Bob, her colleague, sees she is at Home and available, and nothing of the number.
    async with client(service, mint("bob", org)) as bob:
        seen = await bob.get("/v1/users/alice/presence")
        assert seen.status_code == 200, seen.text
        assert (seen.json()["location"], seen.json()["availability"]) == ("home", "available")
        assert seen.json()["calls_go_to_voicemail"] is False
        assert "numbers" not in seen.json() and "location_number" not in seen.json()
        assert HOME not in seen.text
        # 2. In a batch read, Alice's entry is the colleague's view; Bob's own is in full.
        batch = (await bob.post("/v1/presence/batch", json={"user_ids": ["alice", "bob"]})).json()
        assert [p["user_id"] for p in batch] == ["alice", "bob"]
        assert "numbers" not in batch[0] and HOME not in json.dumps(batch)
        assert batch[1]["numbers"]["home"] is None
    # 3. Alice herself, her administrator and a service token read the number.
    for token in (mint("alice", org), mint("boss", org, "admin"), mint("gateway", org, "service")):
        async with client(service, token) as reader:
            full = (await reader.get("/v1/users/alice/presence")).json()
            assert (full["numbers"]["home"], full["location_number"]) == (HOME, HOME)
            batch = (await reader.post("/v1/presence/batch", json={"user_ids": ["alice"]})).json()
            assert batch[0]["numbers"]["home"] == HOME


@pytest.mark.parametrize("what", ["schedule", "ring-sequence"])
async def test_a_colleagues_schedule_and_ring_sequence_are_not_for_others(
    service, nats_server, mint, org, what
):
    await create_users(nats_server.url, service.url, mint("boss", org, "admin"), org, "alice", "bob")
    async with client(service, mint("bob", org)) as bob:
        refused = await bob.get(f"/v1/users/alice/{what}")
        assert refused.status_code == 403 and "only they and administrators" in refused.json()["detail"]
        assert (await bob.get(f"/v1/users/me/{what}")).status_code == 200
    for token in (mint("alice", org), mint("boss", org, "admin"), mint("gateway", org, "service")):
        async with client(service, token) as reader:
            assert (await reader.get(f"/v1/users/alice/{what}")).status_code == 200


async def test_story_the_feed_tells_a_colleague_where_alice_went_without_the_number(
    service, nats_server, mint, org
):
    await create_users(nats_server.url, service.url, mint("boss", org, "admin"), org, "alice", "bob")
    async with (
        client(service, mint("bob", org)) as bob,
        client(service, mint("boss", org, "admin")) as boss,
        client(service, mint("alice", org)) as alice,
        bob.stream("GET", "/v1/presence/feed") as bob_feed,
        boss.stream("GET", "/v1/presence/feed") as boss_feed,
        alice.stream("GET", "/v1/presence/feed") as alice_feed,
    ):
        bob_lines, boss_lines, alice_lines = (f.aiter_lines() for f in (bob_feed, boss_feed, alice_feed))
        for lines in (bob_lines, boss_lines, alice_lines):
            assert await anext(lines) == ": connected"
        # 1. Alice keeps her home number, then selects Home.
        assert (await alice.patch("/v1/users/me/numbers", json={"home": HOME})).status_code == 200
        assert (await alice.put("/v1/users/me/location", json={"location": "home"})).status_code == 200
        # 2. Bob's first event is where she went: her numbers_changed never reached him, nor the number.
        first = await anext(sse_events(bob_lines))
        assert first["event"] == "presence.user.location_changed.v1"
        payload = json.loads(first["data"])
        assert (payload["user_id"], payload["location"]) == ("alice", "home")
        assert "number" not in payload and HOME not in json.dumps(payload)
        # 3. Her administrator and Alice herself hear of the number, then of the location with it.
        for lines in (boss_lines, alice_lines):
            events = sse_events(lines)
            numbers, location = await anext(events), await anext(events)
            assert numbers["event"] == "presence.user.numbers_changed.v1"
            assert json.loads(numbers["data"])["numbers"]["home"] == HOME
            assert location["event"] == "presence.user.location_changed.v1"
            assert json.loads(location["data"])["number"] == HOME
