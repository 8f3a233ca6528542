"""The live feed: web pages see their organisation's presence changes without polling."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from services.presence.tests.e2e import create_users, presence_process


@pytest.fixture(scope="module")
def service(tmp_path_factory, nats_server, dev_keys):
    process = presence_process(tmp_path_factory.mktemp("presence-feed"), nats_server.url, dev_keys[1])
    process.start()
    yield process
    process.stop()


async def sse_events(lines):
    event: dict[str, str] = {}
    async for line in lines:
        if line == "":
            if "data" in event:
                yield event
            event = {}
        elif not line.startswith(":"):
            key, _, value = line.partition(": ")
            event[key] = value


async def test_story_a_colleague_watches_the_feed_and_sees_only_their_organisation(
    service, nats_server, mint
):
    org, other = f"org-{uuid.uuid4().hex[:6]}", f"org-{uuid.uuid4().hex[:6]}"
    await create_users(nats_server.url, service.url, mint("a", org, "admin"), org, "alice", "bob")
    await create_users(nats_server.url, service.url, mint("a", other, "admin"), other, "mallory")
    headers = {"Authorization": f"Bearer {mint('bob', org)}"}
    async with (
        httpx.AsyncClient(base_url=service.url, timeout=10) as http,
        http.stream("GET", "/v1/presence/feed", headers=headers) as feed,
    ):
        assert feed.headers["content-type"].startswith("text/event-stream")
        lines = feed.aiter_lines()
        assert await anext(lines) == ": connected"
        # 1. Someone of another organisation changes: not for Bob's eyes.
        await http.put(
            "/v1/users/me/availability",
            json={"availability": "voicemail"},
            headers={"Authorization": f"Bearer {mint('mallory', other)}"},
        )
        # 2. Alice changes: Bob's page hears it.
        await http.put(
            "/v1/users/me/availability",
            json={"availability": "no_messages"},
            headers={"Authorization": f"Bearer {mint('alice', org)}"},
        )
        first = await anext(sse_events(lines))
    assert first["event"] == "presence.user.availability_changed.v1"
    payload = json.loads(first["data"])
    assert (payload["organisation_id"], payload["user_id"], payload["availability"]) == (
        org,
        "alice",
        "no_messages",
    )

    # 3. Bob's page reconnects with Last-Event-ID and gets what happened meanwhile, nothing before.
    await http_put(service, mint("alice", org), {"availability": "available"})
    async with (
        httpx.AsyncClient(base_url=service.url, timeout=10) as http,
        http.stream("GET", "/v1/presence/feed", headers={**headers, "Last-Event-ID": first["id"]}) as feed,
    ):
        resumed = await anext(sse_events(feed.aiter_lines()))
    assert int(resumed["id"]) > int(first["id"])
    assert json.loads(resumed["data"])["availability"] == "available"


async def http_put(service, token: str, body: dict) -> None:
    async with httpx.AsyncClient(base_url=service.url, headers={"Authorization": f"Bearer {token}"}) as c:
        assert (await c.put("/v1/users/me/availability", json=body)).status_code == 200


async def test_the_feed_needs_a_token(service):
    async with httpx.AsyncClient(base_url=service.url) as http:
        assert (await http.get("/v1/presence/feed")).status_code == 401
