"""No user text can speak to Asterisk (issue 11 §2).

User text is checked to its grammar at the REST edge (422), and every AMI action and AGI
command passes one gate that refuses a value able to end a header, an action or a command.
The FAKE Asterisk keeps the raw bytes it received: they are what is asserted on.
"""

from __future__ import annotations

import asyncio

import pytest
from smartnumbers_contracts import routing as wire
from smartnumbers_gateway.asterisk.fastagi import AgiRequest, FastAgiServer
from smartnumbers_gateway.asterisk.speech import Speech
from smartnumbers_gateway.asterisk.wire_text import UnsafeText
from smartnumbers_gateway.clients.mailbox import Greeting
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_gateway.incoming.voicemail import Voicemail
from smartnumbers_gateway.phone.line import Digits, Line

from gateway.tests.fake_agi import FakeAgiChannel
from gateway.tests.fake_ami import FakeAmi
from gateway.tests.gateway_app import gateway_in_process

INJECTED = "\r\n\r\nAction: Command\r\nCommand: core show version"
AGI_INJECTED = "\nEXEC System rm -rf /"


def actions_on_the_wire(raw: bytes) -> list[list[bytes]]:
    """The AMI actions in ``raw``: its blocks ended by an empty line, as header lines."""
    return [block.split(b"\r\n") for block in raw.split(b"\r\n\r\n") if block.strip()]


def nothing_dialled(fake_ami: FakeAmi) -> bool:
    """No Originate, and no Command action anywhere in what AMI received."""
    originated = [a for a in fake_ami.actions if a.get("Action") == "Originate"]
    return not originated and b"Command" not in bytes(fake_ami.received)


# Every action the gateway sends, as it sends it (click_to_dial, call_me, fax_delivery,
# call_manager, message_waiting, ami.resynchronise), with the fields user text can reach.
EVERY_ACTION = {
    "Originate click-to-dial": {
        "Action": "Originate",
        "Async": "true",
        "Channel": "Local/447700900001@phones",
        "Context": "sn-originated",
        "Exten": "connect",
        "Priority": "1",
        "CallerID": '"Call to +447700900555" <+447700900555>',
        "Timeout": "30000",
        "Variable": "SN_CONNECT_DIAL=Local/447700900555@phones",
    },
    "Originate call-me": {
        "Action": "Originate",
        "Async": "true",
        "Channel": "Local/447700900001@phones",
        "Context": "sn-originated",
        "Exten": "send-voicemail",
        "Priority": "1",
        "CallerID": '"smartnumbers" <>',
        "Timeout": "30000",
        "Variable": ["SN_TO=user:bob", "SN_USER=adam", "SN_ORG=acme"],
    },
    "Originate fax": {
        "Action": "Originate",
        "Async": "true",
        "Channel": "Local/447700900001@phones",
        "Application": "SendFAX",
        "Data": "/spool/faxes/f1.tif",
        "Timeout": "60000",
    },
    "Redirect": {
        "Action": "Redirect",
        "Channel": "PJSIP/trunk-1",
        "Context": "sn-cm",
        "Exten": "accept",
        "Priority": "1",
    },
    "Setvar": {"Action": "Setvar", "Channel": "PJSIP/trunk-1", "Variable": "SN_CM_MAILBOX", "Value": "adam"},
    "Hangup": {"Action": "Hangup", "Channel": "PJSIP/trunk-1", "Cause": "16"},
    "MWIUpdate": {"Action": "MWIUpdate", "Mailbox": "adam@acme", "NewMessages": "1", "OldMessages": "0"},
    "CoreShowChannels": {"Action": "CoreShowChannels"},
}
FIELDS = [(name, key) for name, action in EVERY_ACTION.items() for key in action]


@pytest.fixture
async def gateway(monkeypatch, tmp_path, nats_server, dev_keys, mint):
    async with gateway_in_process(monkeypatch, tmp_path, nats_server.url, dev_keys) as gw:
        gw.client.headers["Authorization"] = f"Bearer {mint('adam', 'acme')}"
        yield gw


@pytest.mark.parametrize(("name", "key"), FIELDS, ids=[f"{n}-{k}" for n, k in FIELDS])
async def test_a_value_that_could_end_a_header_is_never_written_to_ami(gateway, name, key):
    manager = gateway.http.state.runtime.ami.manager
    before = len(gateway.fake_ami.received)
    action = dict(EVERY_ACTION[name])
    value = action[key]
    action[key] = [*value[:-1], value[-1] + INJECTED] if isinstance(value, list) else value + INJECTED
    with pytest.raises(UnsafeText, match="control character"):
        manager.send_action(action)
    await asyncio.wait_for(manager.send_action({"Action": "Ping"}), 5)  # the link carries on
    sent = actions_on_the_wire(bytes(gateway.fake_ami.received[before:]))
    assert [lines[0] for lines in sent] == [b"Action: Ping"], "exactly one action: the ping after"
    assert b"Command" not in bytes(gateway.fake_ami.received)


@pytest.mark.parametrize("name", [n for n, a in EVERY_ACTION.items() if len(a) > 1])
async def test_header_like_text_without_a_line_break_stays_inside_its_header(gateway, name):
    manager = gateway.http.state.runtime.ami.manager
    before = len(gateway.fake_ami.received)
    action = dict(EVERY_ACTION[name])
    key = next(k for k in action if k not in ("Action", "Async"))
    action[key] = "adam: Action: Command Command: core show version"
    await asyncio.wait_for(manager.send_action(action), 5)
    (sent,) = actions_on_the_wire(bytes(gateway.fake_ami.received[before:]))
    headers = [line.split(b": ", 1)[0] for line in sent]
    assert headers.count(b"Action") == 1 and b"Command" not in headers
    assert f"{key}: adam: Action: Command Command: core show version".encode() in sent


async def test_the_issue_s_voicemail_call_is_refused_at_the_rest_edge(gateway):
    hostile = "user:alice\r\n\r\nAction: Command\r\nCommand: core show version"
    r = await gateway.client.post("/v1/voicemail-calls", json={"to": [hostile]})
    assert r.status_code == 422, r.text
    (problem,) = r.json()["detail"]
    assert problem["field"] == "to.0" and "user:<id> or team:<id>" in problem["message"]
    assert nothing_dialled(gateway.fake_ami)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/click-to-dial", {"to": "07700 900555\r\nAction: Command"}, "to"),
        ("/v1/click-to-dial", {"to": "07700 900555, Command"}, "to"),
        ("/v1/voicemail-calls", {"to": ["user:bob,team:x"]}, "to.0"),
        ("/v1/voicemail-calls", {"to": ["team:sales\nAction: Hangup"]}, "to.0"),
        ("/v1/message-alert-calls", {"user_id": "adam\r\nAction: Command"}, "user_id"),
    ],
)
async def test_user_text_is_checked_to_its_grammar_before_anything_is_dialled(gateway, path, body, field):
    r = await gateway.client.post(path, json=body)
    assert r.status_code == 422, r.text
    assert [p["field"] for p in r.json()["detail"]] == [field]
    assert nothing_dialled(gateway.fake_ami)


async def test_call_manager_cannot_move_a_channel_whose_name_could_inject(gateway, mint):
    """Even text that comes from elsewhere (a channel name) meets the gate: 422, nothing written."""
    plans = gateway.http.state.plans
    plans.remember(
        wire.RoutingPlan(
            call_id="1795769518.1",
            organisation_id="acme",
            dialled="+441632960001",
            call_for_kind="user",
            call_for="adam",
            steps=[],
            reasons=[],
        )
    )
    plans.remember_channel("1795769518.1", "PJSIP/trunk-1" + INJECTED)
    before = len(gateway.fake_ami.received)
    r = await gateway.client.post("/v1/calls/1795769518.1/hang-up")
    assert r.status_code == 422 and "control character" in r.json()["detail"], r.text
    assert bytes(gateway.fake_ami.received[before:]) == b""
    bad_id = await gateway.client.post("/v1/calls/x%0D%0AAction:%20Command/hang-up")
    assert bad_id.status_code == 422


async def test_agi_commands_carry_no_line_break_and_quote_their_arguments(tmp_path):
    refused: list[str] = []
    voicemail = Voicemail(PlansInFlight(), None, Speech(tmp_path), tmp_path, lambda _: None)  # type: ignore[arg-type]
    hostile_greeting = Greeting(
        heard="system",
        audio_path=None,
        name_audio_path=None,
        number="+4416" + AGI_INJECTED,
        takes_messages=True,
    )

    async def route(request: AgiRequest) -> None:
        attempts = [
            request.set_variable("SN_NAME", "Lucy" + AGI_INJECTED),
            request.set_variables({"SN_ORG": "acme" + AGI_INJECTED}),
            request.set_variables({"SN_A": "1", "SN_B\nEXEC System x": "2"}),
            request.get_variable("SN_X\nEXEC System x"),
            request.command("STREAM FILE sn/hello" + AGI_INJECTED),
            Line(request, tmp_path).play(Digits("4477" + AGI_INJECTED)),
            Line(request, tmp_path).play("sn/hello\rEXEC System x"),
            voicemail.play_greeting(request, "acme", hostile_greeting),  # a number the mailbox gave
        ]
        for attempt in attempts:
            try:
                await attempt
            except UnsafeText as e:
                refused.append(str(e))
        await request.set_variable("SN_NAME", 'Lucy "the" \\ Caller')

    agi = FastAgiServer()
    agi.add_route("hostile", route)
    server = await agi.serve("127.0.0.1", 0, 10)
    try:
        port = server.sockets[0].getsockname()[1]
        channel = await FakeAgiChannel(port, script="hostile").run()
    finally:
        server.close()
        await server.wait_closed()
    assert len(refused) == 8
    assert channel.sent == ['SET VARIABLE SN_NAME "Lucy \\"the\\" \\\\ Caller"'], "one command, quoted"
    assert channel.variables == {"SN_NAME": 'Lucy "the" \\ Caller'}
