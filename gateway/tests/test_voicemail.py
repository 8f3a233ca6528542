"""Voicemail deposit through FastAGI: a FAKE Asterisk records, the real mailbox keeps the message."""

from __future__ import annotations

import uuid

import pytest
from smartnumbers_contracts import routing as wire
from smartnumbers_gateway.asterisk.fastagi import FastAgiServer
from smartnumbers_gateway.asterisk.speech import Speech
from smartnumbers_gateway.clients.mailbox import MailboxClient
from smartnumbers_gateway.clients.service_tokens import ServiceTokens
from smartnumbers_gateway.incoming.introduction import Introductions
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_gateway.incoming.voicemail import (
    NOT_AVAILABLE,
    NOT_TAKING,
    TRANSFER_PROMPT,
    OfferTransfer,
    Voicemail,
)
from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.settings import DEV_ISSUER

from gateway.tests.fake_agi import FakeAgiChannel
from services.mailbox.tests.e2e import Directory, client
from services.mailbox.tests.samples import tone_wav


@pytest.fixture
async def gateway(tmp_path, mailbox, dev_keys):
    org = f"org-{uuid.uuid4().hex[:8]}"
    plans = PlansInFlight()
    plans.remember(
        wire.RoutingPlan(
            call_id="call-7",
            organisation_id=org,
            dialled="+441632960100",
            call_for_kind="user",
            call_for="adam",
            reasons=[],
            steps=[],
        )
    )
    left: list = []
    box = MailboxClient(mailbox.url, ServiceTokens(dev_keys[0], DEV_ISSUER))
    speech = Speech(tmp_path)
    speech.available = False
    agi = FastAgiServer(header_timeout=0.5)
    agi.add_route("voicemail", Voicemail(plans, box, speech, tmp_path / "spool", left.append))
    agi.add_route("greeting", Voicemail(plans, box, speech, tmp_path / "spool", left.append, record=False))
    agi.add_route(
        "offer-transfer", OfferTransfer(plans, Voicemail(plans, box, speech, tmp_path / "spool", left.append))
    )
    agi.add_route("introduce", Introductions(plans, speech, None, box, tmp_path / "spool"))
    port = free_port()
    server = await agi.serve("127.0.0.1", port, 64)
    yield org, port, left, tmp_path / "spool", plans
    server.close()
    await box.close()


async def test_story_a_caller_leaves_a_message_after_the_default_greeting(
    gateway, mailbox, nats_server, mint
):
    org, port, left, spool, plans = gateway
    await Directory(nats_server.url, mailbox.url, mint("gw", org, "service"), org).users("adam")
    # 1. No greeting recorded: the default speaks the mailbox number as a caller in the UK
    #    writes it (national, 01632 960100), then asks for a message.
    call = await FakeAgiChannel(
        port, script="voicemail", args=["adam", "system", "call-7"], says=tone_wav(2.0)
    ).run()
    assert call.played == ["digits:01632960100", NOT_AVAILABLE]
    # 2. The message is in Adam's mailbox, from Lucy's number; the call event says so.
    async with client(mailbox, mint("adam", org)) as adam:
        (message,) = (await adam.get("/v1/mailboxes/users/me/messages")).json()
    assert message["caller_number"] == "+447700900555" and message["folder"] == "new"
    assert round(message["duration_seconds"]) == 2
    (event,) = left
    assert (event.call_id, event.mailbox, event.organisation_id) == ("call-7", "adam", org)
    assert not list((spool / "recordings").iterdir()), "the recording left the spool once deposited"


async def test_a_caller_from_abroad_hears_the_number_in_international_digits(
    gateway, mailbox, nats_server, mint
):
    org, port, *_ = gateway
    await Directory(nats_server.url, mailbox.url, mint("gw", org, "service"), org).users("adam")
    call = await FakeAgiChannel(
        port, script="greeting", args=["adam", "system", "call-7"], callerid="33612345678"
    ).run()
    assert call.played[0] == "digits:441632960100", "a caller in France dials +44 1632 960100"


async def test_the_recorded_greeting_is_played_and_hanging_up_after_the_beep_keeps_the_message(
    gateway, mailbox, nats_server, mint
):
    org, port, left, spool, plans = gateway
    await Directory(nats_server.url, mailbox.url, mint("gw", org, "service"), org).users("adam")
    async with client(mailbox, mint("adam", org)) as adam:
        r = await adam.put(
            "/v1/mailboxes/users/me/greetings/permanent",
            content=tone_wav(1.0),
            headers={"Content-Type": "audio/wav"},
        )
        assert r.status_code == 200, r.text
    call = await FakeAgiChannel(
        port,
        script="voicemail",
        args=["adam", "permanent", "call-7"],
        says=tone_wav(1.5),
        hangs_up_while_recording=True,
    ).run()
    assert len(call.played) == 1 and call.played[0].startswith(str(spool / "greetings"))
    assert not list((spool / "greetings").iterdir()), "the fetched greeting was removed after playing"
    async with client(mailbox, mint("adam", org)) as adam:
        assert len((await adam.get("/v1/mailboxes/users/me/messages")).json()) == 1
    assert len(left) == 1


async def test_hanging_up_before_the_beep_leaves_nothing(gateway, mailbox, nats_server, mint):
    org, port, left, _, _ = gateway
    await Directory(nats_server.url, mailbox.url, mint("gw", org, "service"), org).users("adam")
    await FakeAgiChannel(
        port, script="voicemail", args=["adam", "system", "call-7"], says=None, hangs_up_while_recording=True
    ).run()
    async with client(mailbox, mint("adam", org)) as adam:
        assert (await adam.get("/v1/mailboxes/users/me/messages")).json() == []
    assert left == [], "no message: routing will count a lost call"


async def test_no_messages_plays_the_greeting_and_records_nothing(gateway, mailbox, nats_server, mint):
    org, port, left, _, _ = gateway
    await Directory(nats_server.url, mailbox.url, mint("gw", org, "service"), org).users("adam")
    call = await FakeAgiChannel(
        port, script="greeting", args=["adam", "system", "call-7"], says=tone_wav(1.0)
    ).run()
    assert call.played[-1] == NOT_TAKING
    assert not any(c.startswith("RECORD FILE") for c in call.sent)


async def test_extended_absence_offers_the_delegate_and_one_transfers(gateway, mailbox, nats_server, mint):
    org, port, left, spool, plans = gateway
    await Directory(nats_server.url, mailbox.url, mint("gw", org, "service"), org).users("adam")
    plans.remember(
        wire.RoutingPlan(
            call_id="call-8",
            organisation_id=org,
            dialled="+441632960100",
            call_for_kind="user",
            call_for="adam",
            reasons=[],
            steps=[],
        )
    )
    yes = await FakeAgiChannel(port, script="offer-transfer", args=["adam", "call-8"], presses="-1").run()
    no = await FakeAgiChannel(port, script="offer-transfer", args=["adam", "call-8"], presses="--").run()
    assert yes.variables["SN_TRANSFER"] == "1" and no.variables["SN_TRANSFER"] == "0"
    assert TRANSFER_PROMPT in yes.played
    assert not any(c.startswith("RECORD FILE") for c in yes.sent + no.sent)


async def test_the_introduction_plays_the_recorded_name(gateway, mailbox, nats_server, mint):
    org, port, _, spool, plans = gateway
    await Directory(nats_server.url, mailbox.url, mint("gw", org, "service"), org).users("adam")
    async with client(mailbox, mint("adam", org)) as adam:
        r = await adam.put(
            "/v1/mailboxes/users/me/greetings/name",
            content=tone_wav(0.8),
            headers={"Content-Type": "audio/wav"},
        )
        assert r.status_code == 200, r.text
    plans.remember(
        wire.RoutingPlan(
            call_id="call-9",
            organisation_id=org,
            dialled="+441632960100",
            call_for_kind="user",
            call_for="adam",
            reasons=[],
            steps=[
                wire.Step(
                    kind="ring",
                    targets=["+447700900100"],
                    answered_by=["adam"],
                    introductions=[
                        wire.Introduction(
                            text="Adam, there is a call for you. Press star to receive, or replace the handset.",
                            form="direct",
                            for_name="Adam",
                            for_name_recording="mailbox:user:adam:name",
                        )
                    ],
                )
            ],
        )
    )
    call = await FakeAgiChannel(
        port, script="introduce", args=["call-9", "1", "447700900100"], presses="--*"
    ).run()
    name, *rest = call.played
    assert name.startswith(str(spool / "names")), "Adam's own recording says his name"
    assert rest == ["sn/there-is-a-call-for-you", "sn/press-star-to-receive"]
    assert call.variables["SN_ACCEPTED"] == "1"
    assert not list((spool / "names").iterdir()), "the fetched recording was removed"


async def test_without_the_beep_sound_the_message_is_still_recorded(gateway, mailbox, nats_server, mint):
    """A build without the core sound 'beep': RECORD FILE … BEEP fails (randomerror), and the
    gateway records again without the tone rather than losing the caller's message."""
    org, port, _left, _spool, _plans = gateway
    await Directory(nats_server.url, mailbox.url, mint("gw", org, "service"), org).users("adam")
    await FakeAgiChannel(
        port, script="voicemail", args=["adam", "system", "call-7"], says=tone_wav(2.0), without_beep=True
    ).run()
    async with client(mailbox, mint("adam", org)) as adam:
        (message,) = (await adam.get("/v1/mailboxes/users/me/messages")).json()
    assert round(message["duration_seconds"]) == 2
