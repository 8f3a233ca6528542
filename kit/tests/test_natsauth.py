"""``make run``'s NATS: a user per service, refused without its password, kept to its own subjects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig
from smartnumbers_kit import bus, natsauth
from smartnumbers_kit.devstack import PLAN_REQUESTS, SERVICES
from smartnumbers_kit.natsserver import NatsServer, find_binary


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[NatsServer, dict[str, str]]]:
    binary = find_binary()
    if binary is None:
        pytest.skip("no nats-server binary")
    config, passwords = natsauth.write_config(tmp_path / "auth", SERVICES)
    assert config.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "auth" / "passwords.json").stat().st_mode & 0o777 == 0o600
    nats_server = NatsServer(binary, tmp_path / "store", log_file=tmp_path / "nats.log", config_file=config)
    nats_server.start()
    yield nats_server, passwords
    nats_server.stop()


class Errors:
    """What the server told one client asynchronously (permission violations)."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.arrived = asyncio.Event()

    async def record(self, e: Exception) -> None:
        self.seen.append(str(e))
        self.arrived.set()


@pytest.fixture
async def connected(
    server: tuple[NatsServer, dict[str, str]],
) -> AsyncIterator[dict[str, tuple[Client, Errors]]]:
    nats_server, passwords = server
    clients: dict[str, tuple[Client, Errors]] = {}
    for user in ("operator", "presence", "directory", "routing", "gateway", "mailbox"):
        errors = Errors()
        nc = await nats.connect(
            nats_server.url,
            user=user,
            password=passwords[user],
            inbox_prefix=natsauth.inbox_prefix(user),
            error_cb=errors.record,
            allow_reconnect=False,
        )
        clients[user] = (nc, errors)
    yield clients
    for nc, _ in clients.values():
        await nc.close()


async def refused(url: str, **credentials: str) -> str:
    errors = Errors()
    with pytest.raises(Exception) as refusal:
        await nats.connect(
            url, error_cb=errors.record, allow_reconnect=False, connect_timeout=2, **credentials
        )
    return " ".join([repr(refusal.value), *errors.seen])


async def test_a_client_without_the_right_password_is_refused(
    server: tuple[NatsServer, dict[str, str]],
) -> None:
    nats_server, passwords = server
    assert "authorization violation" in (await refused(nats_server.url)).lower()
    assert (
        "authorization violation"
        in (await refused(nats_server.url, user="presence", password="guess")).lower()
    )
    assert (
        "authorization violation"
        in (await refused(nats_server.url, user="presence", password=passwords["directory"])).lower()
    )


async def test_a_service_cannot_read_what_it_does_not_need(
    connected: dict[str, tuple[Client, Errors]],
) -> None:
    operator, _ = connected["operator"]
    await bus.ensure_stream(operator.jetstream(), "mailbox")
    presence, errors = connected["presence"]

    # 1. Not the mailbox's subjects, nor the gateway's replies.
    await presence.subscribe("mailbox.>")
    await asyncio.wait_for(errors.arrived.wait(), 5)
    assert 'permissions violation for subscription to "mailbox.>"' in errors.seen[0].lower()
    errors.arrived.clear()
    await presence.subscribe("_INBOX_gateway.>")
    await asyncio.wait_for(errors.arrived.wait(), 5)
    assert 'subscription to "_inbox_gateway.>"' in errors.seen[1].lower()

    # 2. Nor, through JetStream, a consumer on the mailbox's stream.
    errors.arrived.clear()
    with pytest.raises(Exception):  # noqa: B017 (the request is dropped: a timeout, or no responders)
        await presence.jetstream(timeout=1).add_consumer("MAILBOX", ConsumerConfig(durable_name="snoop"))
    await asyncio.wait_for(errors.arrived.wait(), 5)
    assert 'permissions violation for publish to "$js.api.consumer' in errors.seen[-1].lower()
    assert "snoop" not in [c.name for c in await operator.jetstream().consumers_info("MAILBOX")]


async def test_each_service_does_what_it_needs_on_the_bus(
    connected: dict[str, tuple[Client, Errors]],
) -> None:
    directory, directory_errors = connected["directory"]
    presence, presence_errors = connected["presence"]

    # 1. The directory creates its stream and publishes to it.
    djs = directory.jetstream()
    await bus.ensure_stream(djs, "directory")
    await djs.publish("directory.user.created.v1", b"{}")

    # 2. Presence consumes it with a durable pull consumer, acks, and publishes its own events.
    pjs = presence.jetstream()
    await bus.ensure_stream(pjs, "presence")
    await bus.ensure_parked_stream(pjs)
    subscription = await pjs.pull_subscribe("directory.>", durable="presence-directory", stream="DIRECTORY")
    [message] = await subscription.fetch(1, timeout=5)
    await message.ack_sync()
    await pjs.publish("presence.user.location_changed.v1", b"{}")
    await pjs.publish("parked.presence-directory.x", b"{}")

    # 3. Routing answers the gateway's plan requests.
    routing, routing_errors = connected["routing"]

    async def answer(request: Msg) -> None:
        await request.respond(b"plan")

    await routing.subscribe(PLAN_REQUESTS, queue="routing", cb=answer)
    await bus.subscribed(routing)
    gateway, gateway_errors = connected["gateway"]
    assert (await gateway.request(PLAN_REQUESTS, b"{}", timeout=5)).data == b"plan"

    # 4. The mailbox sends the gateway a command on the gateway's stream; the gateway consumes and acks it.
    mailbox, mailbox_errors = connected["mailbox"]
    gjs = gateway.jetstream()
    await bus.ensure_stream(gjs, "gateway")
    await mailbox.jetstream().publish("gateway.fax.deliver.v1", b"{}")
    commands = await gjs.pull_subscribe("gateway.fax.>", durable="gateway-commands", stream="GATEWAY")
    [command] = await commands.fetch(1, timeout=5)
    await command.ack_sync()

    # 5. A live feed: presence follows its own stream with an ordered consumer.
    feed = await pjs.subscribe("presence.>", ordered_consumer=True, stream="PRESENCE")
    assert (await feed.next_msg(timeout=5)).subject == "presence.user.location_changed.v1"

    for errors in (directory_errors, presence_errors, routing_errors, gateway_errors, mailbox_errors):
        assert errors.seen == []


ROOT = Path(__file__).resolve().parents[2]


def test_the_k8s_nats_config_is_generated_from_the_same_table() -> None:
    assert (ROOT / "deploy/k8s/base/nats/nats.conf").read_text() == natsauth.k8s_config(SERVICES), (
        "run `make nats-config`"
    )


async def test_the_k8s_nats_config_reads_passwords_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    binary = find_binary()
    if binary is None:
        pytest.skip("no nats-server binary")
    for user in ["operator", *(s.name for s in SERVICES)]:
        monkeypatch.setenv(natsauth.password_variable(user), f"secret-of-{user}")
    nats_server = NatsServer(
        binary,
        tmp_path / "store",
        log_file=tmp_path / "nats.log",
        config_file=ROOT / "deploy/k8s/base/nats/nats.conf",
    )
    nats_server.start()
    try:
        nc = await nats.connect(
            nats_server.url, user="presence", password="secret-of-presence", allow_reconnect=False
        )
        await nc.close()
        assert (
            "authorization violation"
            in (await refused(nats_server.url, user="presence", password="secret-of-routing")).lower()
        )
    finally:
        nats_server.stop()
