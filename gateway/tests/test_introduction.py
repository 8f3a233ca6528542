"""Call introduction (§3.8) on the answering leg, against a FAKE Asterisk FastAGI client."""

from __future__ import annotations

import shutil

import pytest
from smartnumbers_contracts import routing as wire
from smartnumbers_gateway.asterisk.fastagi import FastAgiServer
from smartnumbers_gateway.asterisk.speech import Speech
from smartnumbers_gateway.incoming.introduction import Introductions
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_kit.natsserver import free_port

from gateway.tests.fake_agi import FakeAgiChannel

TEXT = "Adam, there is a call from Lucy. Press star to receive, or replace the handset."


def plans(password: bool = False) -> PlansInFlight:
    kept = PlansInFlight()
    kept.remember(
        wire.RoutingPlan(
            call_id="call-1",
            organisation_id="acme",
            dialled="+441632960100",
            call_for_kind="user",
            call_for="adam",
            reasons=[],
            steps=[
                wire.Step(
                    kind="ring",
                    targets=["+447700900100", "+447700900200"],
                    answered_by=["adam", "bob"],
                    ring_seconds=20,
                    introductions=[
                        wire.Introduction(text=TEXT, requires_password_of="adam" if password else None),
                        None,
                    ],
                )
            ],
        )
    )
    return kept


@pytest.fixture
async def gateway(tmp_path):
    async def start(kept: PlansInFlight, speech: Speech):
        agi = FastAgiServer(header_timeout=0.5)
        agi.add_route("introduce", Introductions(kept, speech))
        port = free_port()
        servers.append(await agi.serve("127.0.0.1", port, 64))
        return port

    servers: list = []
    yield start
    for server in servers:
        server.close()


def silent(tmp_path) -> Speech:
    speech = Speech(tmp_path)
    speech.available = False  # as on a gateway without espeak-ng: the fixed prompts are played
    return speech


async def answer(port: int, target: str, presses: str) -> FakeAgiChannel:
    return await FakeAgiChannel(
        port, script="introduce", args=["call-1", "1", target.lstrip("+")], presses=presses
    ).run()


async def test_star_accepts_the_call(gateway, tmp_path):
    port = await gateway(plans(), silent(tmp_path))
    call = await answer(port, "+447700900100", "*")
    assert call.variables["SN_ACCEPTED"] == "1"
    assert call.played == ["sn/there-is-a-call-for-you"]


@pytest.mark.parametrize("presses", ["1", "--", "#"])
async def test_any_other_key_or_silence_lets_the_call_go_on_to_the_next_step(gateway, tmp_path, presses):
    port = await gateway(plans(), silent(tmp_path))
    call = await answer(port, "+447700900100", presses)
    assert call.variables["SN_ACCEPTED"] == "0"


async def test_a_target_without_introduction_is_connected_at_once(gateway, tmp_path):
    port = await gateway(plans(), silent(tmp_path))
    call = await answer(port, "+447700900200", "")
    assert call.variables == {"SN_ACCEPTED": "1"} and call.played == []


async def test_with_password_the_call_is_not_put_through_on_star_alone(gateway, tmp_path):
    port = await gateway(plans(password=True), silent(tmp_path))
    call = await answer(port, "+447700900100", "*")
    assert call.variables["SN_ACCEPTED"] == "0"


async def test_hanging_up_during_the_introduction_ends_it(gateway, tmp_path):
    port = await gateway(plans(), silent(tmp_path))
    call = await FakeAgiChannel(
        port, script="introduce", args=["call-1", "1", "447700900100"], hang_up_after=2
    ).run()
    assert "SN_ACCEPTED" not in call.variables


@pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")), reason="needs espeak-ng and sox")
async def test_the_introduction_is_spoken_in_words(gateway, tmp_path):
    port = await gateway(plans(), Speech(tmp_path))
    call = await answer(port, "+447700900100", "*")
    (played,) = call.played
    assert (
        played.startswith(str(tmp_path / "tts"))
        and (tmp_path / "tts" / (played.rsplit("/", 1)[1] + ".wav")).exists()
    )
    assert call.variables["SN_ACCEPTED"] == "1"


@pytest.fixture(scope="module")
def directory(tmp_path_factory, nats_server, dev_keys):
    from services.directory.tests.e2e import create_organisation, directory_process

    tmp = tmp_path_factory.mktemp("gw-directory")
    process = directory_process(tmp, nats_server.url, dev_keys)
    process.start()
    create_organisation(process, "acme", "adam", password="739182")
    yield process
    process.stop()


@pytest.mark.parametrize(("typed", "accepted"), [("739182", "1"), ("111111", "0"), ("", "0")])
async def test_with_password_the_answerer_types_their_pin_after_star(
    gateway, tmp_path, directory, dev_keys, typed, accepted
):
    from smartnumbers_gateway.clients.directory import DirectoryClient
    from smartnumbers_gateway.clients.service_tokens import ServiceTokens
    from smartnumbers_gateway.incoming.introduction import PASSWORD_PROMPT
    from smartnumbers_kit.settings import DEV_ISSUER

    kept = plans(password=True)
    client = DirectoryClient(directory.url, ServiceTokens(dev_keys[0], DEV_ISSUER))
    agi = FastAgiServer(header_timeout=0.5)
    agi.add_route("introduce", Introductions(kept, silent(tmp_path), client))
    port = free_port()
    server = await agi.serve("127.0.0.1", port, 64)
    try:
        call = await FakeAgiChannel(
            port, script="introduce", args=["call-1", "1", "447700900100"], presses="*", typed=[typed]
        ).run()
    finally:
        server.close()
        await client.close()
    assert call.variables["SN_ACCEPTED"] == accepted
    assert any(c.startswith(f"GET DATA {PASSWORD_PROMPT}") for c in call.sent)
