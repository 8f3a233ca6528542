"""An incoming call through FastAGI, with a FAKE Asterisk at the wire and real routing on a real bus."""

from __future__ import annotations

import asyncio
import uuid

import nats
import pytest
from smartnumbers_contracts import presence as p
from smartnumbers_gateway.asterisk.fastagi import FastAgiServer
from smartnumbers_gateway.incoming.call import IncomingCalls
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_kit import bus
from smartnumbers_kit.natsserver import free_port

from gateway.tests.fake_agi import FakeAgiChannel
from services.presence.tests.e2e import envelope, eventually
from services.routing.tests.e2e import create_people, routing_process

TEMPLATE = "Local/{digits}@phones"


@pytest.fixture(scope="module")
def routing(tmp_path_factory, nats_server, dev_keys):
    process = routing_process(tmp_path_factory.mktemp("gw-routing"), nats_server.url, dev_keys[1])
    process.start()
    yield process
    process.stop()


async def start_gateway(nats_url: str, timeout: float = 0.5):
    nc = await nats.connect(nats_url)
    agi = FastAgiServer(header_timeout=0.5)
    agi.add_route("incoming", IncomingCalls(nc, TEMPLATE, timeout, PlansInFlight()))
    port = free_port()
    server = await agi.serve("127.0.0.1", port, 1024)
    return nc, agi, server, port


async def stop_gateway(nc, server):
    server.close()
    await server.wait_closed()
    await nc.close()


async def adam_on_his_mobile(nats_url: str) -> tuple[str, str]:
    org = f"org-{uuid.uuid4().hex[:8]}"
    number = f"+44163296{uuid.uuid4().int % 10000:04d}"
    await create_people(nats_url, org, {"adam": number})
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    await bus.ensure_stream(js, "presence")
    e = p.LocationChanged(
        **envelope(org),
        user_id="adam",
        location="mobile",
        number="+447700900100",
        previous_location="none",
        cause="selected",
    )
    await js.publish(e.subject, e.to_bytes())
    await nc.close()
    return org, number


async def test_an_incoming_call_gets_its_plan_as_channel_variables(routing, nats_server):
    org, number = await adam_on_his_mobile(nats_server.url)
    nc, agi, server, port = await start_gateway(nats_server.url)
    try:
        # Routing's read model learns of Adam from the bus within milliseconds: call until it has.
        call = await eventually(
            lambda: FakeAgiChannel(
                port, args=[number.lstrip("+"), "1795769518.1"], extension=number.lstrip("+")
            ).run(),
            lambda c: c.variables.get("SN_S1_KIND") == "ring",
        )
    finally:
        await stop_gateway(nc, server)
    assert call.variables == {
        "SN_PLAN_STEPS": "2",
        "SN_ORG": org,
        "SN_CALL_FOR": "adam",
        "SN_FALLBACK": "0",
        "SN_MAILBOX_ACCESS": "0",
        "SN_S1_KIND": "ring",
        "SN_S1_DIAL": "Local/447700900100@phones",
        "SN_S1_TIMEOUT": "20",
        "SN_S2_KIND": "voicemail",
        "SN_S2_MAILBOX": "adam",
        "SN_S2_GREETING": "system",
    }
    assert len(call.sent) == 1 and call.sent[0].startswith("EXEC MSet"), "one short conversation: one command"


async def test_without_routing_the_call_goes_to_voicemail(fresh_nats_server):
    nc, agi, server, port = await start_gateway(fresh_nats_server.url, timeout=0.2)
    try:
        call = await FakeAgiChannel(port, args=["441632960001", "x1"]).run()
    finally:
        await stop_gateway(nc, server)
    assert call.variables["SN_FALLBACK"] == "1"
    assert (call.variables["SN_PLAN_STEPS"], call.variables["SN_S1_KIND"]) == ("1", "voicemail")


async def test_connections_that_close_or_stall_without_a_word_do_not_freeze_the_loop(fresh_nats_server):
    nc, agi, server, port = await start_gateway(fresh_nats_server.url, timeout=0.2)
    try:
        # 1. Health probes: connect and close at once, many times.
        for _ in range(50):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
        # 2. One sends half a header block and stalls.
        _, staller = await asyncio.open_connection("127.0.0.1", port)
        staller.write(b"agi_network: yes\nagi_network_script: incoming\n")
        await staller.drain()
        # 3. A real call still gets its answer, promptly.
        call = await asyncio.wait_for(FakeAgiChannel(port, args=["441632960001", "x2"]).run(), 3)
        assert call.variables["SN_PLAN_STEPS"] == "1"
        # 4. The staller is dropped after the header timeout.
        await asyncio.wait_for(_until(lambda: agi.refused >= 51), 3)
        staller.close()
    finally:
        await stop_gateway(nc, server)
    assert agi.conversations == 1


async def test_a_caller_who_hangs_up_mid_conversation_ends_it_cleanly(fresh_nats_server):
    nc, agi, server, port = await start_gateway(fresh_nats_server.url, timeout=0.2)
    try:
        gone = await FakeAgiChannel(port, args=["441632960001", "x3"], hang_up_after=1).run()
        assert len(gone.sent) == 1, "the gateway stopped at the hang-up"
        again = await FakeAgiChannel(port, args=["441632960001", "x4"]).run()
    finally:
        await stop_gateway(nc, server)
    assert again.variables["SN_PLAN_STEPS"] == "1"


async def _until(condition) -> None:
    while not condition():
        await asyncio.sleep(0.01)
