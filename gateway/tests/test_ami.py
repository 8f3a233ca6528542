"""AMI: a FAKE Asterisk replays recorded calls; the gateway turns them into call events on a real bus."""

from __future__ import annotations

import asyncio

import nats
import pytest
from smartnumbers_gateway.asterisk.ami import AmiLink
from smartnumbers_gateway.incoming.call_events import CallTracker
from smartnumbers_gateway.publisher import CallEventPublisher
from smartnumbers_kit import bus

from gateway.tests.fake_ami import FakeAmi
from gateway.tests.test_call_events import call_id, planned
from services.presence.tests.e2e import BusWatcher


@pytest.fixture
async def asterisk():
    fake = FakeAmi()
    port = await fake.start()
    yield fake, port
    await fake.stop()


async def link_to(port: int, nats_url: str, scenario: str):
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await bus.ensure_stream(js, "gateway")
    publisher = CallEventPublisher(js)
    publisher.start()
    link = AmiLink("127.0.0.1", port, "gateway", "s3cret", CallTracker(planned(scenario)), publisher)
    link.start()
    return nc, publisher, link


async def test_a_recorded_call_becomes_call_events_on_the_bus(asterisk, nats_server):
    fake, port = asterisk
    nc, publisher, link = await link_to(port, nats_server.url, "incoming-answered")
    try:
        await fake.logged_in()
        async with BusWatcher(nats_server.url, "gateway.>") as watcher:
            await fake.play("incoming-answered")
            ended = await watcher.next_matching("gateway.call.ended.v1", call_id=call_id("incoming-answered"))
            answered = await watcher.next_matching(
                "gateway.call.answered.v1", call_id=call_id("incoming-answered")
            )
    finally:
        link.close()
        await publisher.drain()
        await nc.close()
    assert answered["answered_by_user_id"] == "adam"
    assert ended["hung_up_by"] == "callee"
    assert fake.actions[0]["Action"] == "Login" and fake.actions[0]["Username"] == "gateway"


async def test_when_ami_drops_the_gateway_logs_in_again_and_carries_on(asterisk, nats_server):
    fake, port = asterisk
    nc, publisher, link = await link_to(port, nats_server.url, "incoming-busy")
    try:
        await fake.logged_in()
        fake.drop()  # Asterisk restarts
        await fake.logged_in()  # the gateway is back (reconnect after 1 s)
        async with BusWatcher(nats_server.url, "gateway.>") as watcher:
            await fake.play("incoming-busy")
            await watcher.next_matching("gateway.call.ended.v1", call_id=call_id("incoming-busy"))
    finally:
        link.close()
        await publisher.drain()
        await nc.close()
    assert fake.logins == 2


@pytest.mark.parametrize("still_up", [False, True])
async def test_after_a_reconnect_calls_asterisk_no_longer_has_are_ended(asterisk, nats_server, still_up):
    fake, port = asterisk
    scenario = "incoming-noanswer-voicemail"
    nc, publisher, link = await link_to(port, nats_server.url, scenario)
    try:
        await fake.logged_in()
        async with BusWatcher(nats_server.url, "gateway.>") as watcher:
            # 1. The call rings; then AMI drops before its end.
            await fake.play(scenario, until="DialState")  # the phone is ringing
            await watcher.next_matching("gateway.call.ringing.v1", call_id=call_id(scenario))
            fake.drop()
            if still_up:
                fake.channels = [
                    {
                        "Channel": "Local/441632960002@from-trunk-00000002;1",
                        "Uniqueid": call_id(scenario),
                        "Linkedid": call_id(scenario),
                    }
                ]
            # 2. The gateway logs in again and asks Asterisk which calls are up.
            await fake.logged_in()
            await _until(lambda: any(a.get("Action") == "CoreShowChannels" for a in fake.actions[1:]))
            if still_up:
                await asyncio.sleep(0.3)  # nothing must come: a short look for an event that must not exist
                assert not [m for s, m in watcher.messages if s == "gateway.call.ended.v1"]
            else:
                ended = await watcher.next_matching("gateway.call.ended.v1", call_id=call_id(scenario))
                assert ended["hung_up_by"] == "system" and "disconnected" in ended["cause"]
    finally:
        link.close()
        await publisher.drain()
        await nc.close()


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.01)
