"""Background work cannot vanish (issue 12 §2): the call a user asked for says how it went
(``gateway.call.placed.v1``) even when the gateway shuts down while it is still ringing."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from smartnumbers_gateway.background import BackgroundTasks

from gateway.tests.fake_ami import FakeAmi
from gateway.tests.gateway_app import gateway_in_process
from services.presence.tests.e2e import BusWatcher, eventually, presence_process
from services.routing.tests.e2e import create_people

pytestmark = pytest.mark.slow


@pytest.fixture
async def presence(tmp_path, nats_server, dev_keys):
    process = presence_process(tmp_path, nats_server.url, dev_keys[1])
    await asyncio.to_thread(process.start)
    try:
        yield process
    finally:
        process.stop()


async def test_a_call_placed_says_how_it_went_even_across_shutdown(
    monkeypatch, tmp_path, nats_server, dev_keys, mint, presence
):
    org = f"acme-{uuid.uuid4().hex[:8]}"
    await create_people(nats_server.url, org, {"adam": "+441632960001"})
    token = mint("adam", org)
    async with httpx.AsyncClient(base_url=presence.url, headers={"Authorization": f"Bearer {token}"}) as p:
        await eventually(lambda: p.get("/v1/users/me/presence"), lambda r: r.status_code == 200)
        await p.patch("/v1/users/me/numbers", json={"mobile": "07700 900001"})
        assert (await p.put("/v1/users/me/location", json={"location": "mobile"})).status_code == 200
    ringing = FakeAmi(hold_originate=asyncio.Event())  # Asterisk says how the call went only when told
    async with BusWatcher(nats_server.url, "gateway.>") as bus:
        async with gateway_in_process(
            monkeypatch, tmp_path, nats_server.url, dev_keys, ringing, PRESENCE_URL=presence.url
        ) as gateway:
            r = await gateway.client.post(
                "/v1/click-to-dial",
                json={"to": "07700 900555"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert r.status_code == 202, r.text
            await asyncio.wait_for(ringing.originate_seen.wait(), 5)
            background: BackgroundTasks = gateway.http.state.background
            assert len(background) >= 1, "the call being followed is owned by the gateway"

            async def answer_once_shutting_down() -> None:
                await background.closing.wait()
                assert ringing.hold_originate is not None
                ringing.hold_originate.set()

            answering = asyncio.create_task(answer_once_shutting_down())
        # The gateway has shut down: it waited for the call's outcome and published it.
        await answering
        placed = await bus.next_matching("gateway.call.placed.v1", request_id=r.json()["request_id"])
    assert (placed["purpose"], placed["user_id"], placed["answered"], placed["reason"]) == (
        "click-to-dial",
        "adam",
        True,
        "answered",
    )


async def test_background_tasks_are_held_until_done_and_cancelled_past_the_wait():
    background = BackgroundTasks()
    finished = asyncio.Event()

    async def quick() -> None:
        finished.set()

    async def forever() -> None:
        await asyncio.Event().wait()

    background.spawn(quick(), name="quick")
    stuck = background.spawn(forever(), name="forever")
    assert len(background) == 2
    await finished.wait()
    await background.close(wait_seconds=0.1)
    assert stuck.cancelled() and len(background) == 0
    with pytest.raises(RuntimeError, match="shutting down"):
        background.spawn(quick(), name="late")
