"""Calls end to end, every service its own process on a real nats-server, Asterisk FAKED at its wire.

An administrator creates Adam in the directory (admin CLI, then the REST API); Adam signs
in, changes his initial password, and uses the directory's token everywhere.

1. Adam selects Mobile; a call to his smartnumber reaches the gateway's FastAGI (fake
   Asterisk), routing plans it (ring his mobile), Asterisk's AMI events of the recorded
   answered call come back through the gateway, and routing's record shows Adam answered.
2. Nobody answers: the caller leaves a voicemail (the gateway records it through FastAGI
   and deposits it in the mailbox), it appears in Adam's mailbox, the message-waiting
   command reaches the fake AMI, and routing's record says voicemail.
"""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import httpx
import pytest
from smartnumbers_kit.natsserver import free_port

from gateway.tests.fake_agi import FakeAgiChannel
from gateway.tests.fake_ami import FakeAmi
from gateway.tests.gateway_process import gateway_process
from gateway.tests.transcripts import events
from services.directory.tests.e2e import create_organisation, directory_process, first_login
from services.mailbox.tests.e2e import mailbox_process
from services.mailbox.tests.samples import tone_wav
from services.presence.tests.e2e import BusWatcher, eventually, presence_process
from services.routing.tests.e2e import create_people, routing_process

pytestmark = pytest.mark.slow
SMARTNUMBER = "+441632960001"  # the number dialled in the recorded calls
MOBILE = "07700 900001"  # the phone that answers in the recorded calls
MAILBOX_NUMBER = "+441632960900"  # Adam's mailbox number: the calls the platform places show it


@pytest.fixture
async def platform(tmp_path, fresh_nats_server, dev_keys):
    """presence, routing, mailbox and the gateway as processes; a fake Asterisk (AMI server)."""
    nats_url = fresh_nats_server.url
    fake_ami = FakeAmi()
    ami_port = await fake_ami.start()
    agi_port = free_port()
    directory = directory_process(tmp_path / "dir", nats_url, dev_keys)
    (tmp_path / "dir").mkdir()
    presence = presence_process(tmp_path, nats_url, dev_keys[1])
    routing = routing_process(tmp_path, nats_url, dev_keys[1])
    mailbox = mailbox_process(tmp_path / "mb", nats_url, dev_keys[1])
    (tmp_path / "mb").mkdir()
    gateway = gateway_process(
        tmp_path,
        nats_url,
        dev_keys,
        ami_port=ami_port,
        agi_port=agi_port,
        GATEWAY_DIAL_TEMPLATE="Local/{digits}@phones",
        MAILBOX_URL=mailbox.url,
        PRESENCE_URL=presence.url,
        DIRECTORY_URL=directory.url,
    )
    try:
        for process in (directory, presence, routing, mailbox, gateway):
            # In a thread: the fake AMI server answers the gateway's login from this loop.
            await asyncio.to_thread(process.start)
        await fake_ami.logged_in()
        yield SimpleNamespace(
            nats_url=nats_url,
            fake_ami=fake_ami,
            agi_port=agi_port,
            directory=directory,
            presence=presence,
            routing=routing,
            mailbox=mailbox,
            gateway=gateway,
        )
    finally:
        for process in (gateway, mailbox, routing, presence, directory):
            process.stop()
        await fake_ami.stop()


async def adam_on_his_mobile(platform) -> str:
    """The administrator creates Adam; he signs in, changes his password, selects Mobile. Returns his token."""
    admin_number = await asyncio.to_thread(create_organisation, platform.directory, "acme", "boss")
    boss = platform.boss = await first_login(platform.directory, admin_number, "582917")
    async with httpx.AsyncClient(
        base_url=platform.directory.url, headers={"Authorization": f"Bearer {boss}"}
    ) as admin:
        r = await admin.post(
            "/v1/users",
            json={
                "user_id": "adam",
                "display_name": "Adam Ant",
                "smartnumber": SMARTNUMBER,
                "mailbox_number": MAILBOX_NUMBER,
                "initial_password": "739182",
            },
        )
        assert r.status_code == 201, r.text
    token = await first_login(platform.directory, SMARTNUMBER, "917253")
    async with httpx.AsyncClient(
        base_url=platform.presence.url, headers={"Authorization": f"Bearer {token}"}
    ) as adam:
        await eventually(lambda: adam.get("/v1/users/me/presence"), lambda r: r.status_code == 200)
        await adam.patch("/v1/users/me/numbers", json={"mobile": MOBILE})
        assert (await adam.put("/v1/users/me/location", json={"location": "mobile"})).status_code == 200
    return token


async def create_user(platform, admin_token: str, user_id: str, number: str) -> None:
    async with httpx.AsyncClient(
        base_url=platform.directory.url, headers={"Authorization": f"Bearer {admin_token}"}
    ) as admin:
        r = await admin.post(
            "/v1/users",
            json={
                "user_id": user_id,
                "display_name": user_id.title(),
                "smartnumber": number,
                "initial_password": "739182",
            },
        )
        assert r.status_code == 201, r.text


async def test_a_call_to_a_smartnumber_rings_mobile_and_is_recorded(platform):
    fake_ami, agi_port, routing = platform.fake_ami, platform.agi_port, platform.routing
    # 1. The administrator creates Adam (with his smartnumber); he selects Mobile.
    token = await adam_on_his_mobile(platform)
    # 2. Asterisk (fake) asks the gateway where the call goes; the plan rings his mobile.
    call_id = next(e["Linkedid"] for e in events("incoming-answered"))
    call = await eventually(
        lambda: FakeAgiChannel(agi_port, args=[SMARTNUMBER.lstrip("+"), call_id]).run(),
        lambda c: c.variables.get("SN_S1_DIAL") == "Local/447700900001@phones",
    )
    assert call.variables["SN_CALL_FOR"] == "adam"
    # 3. The recorded call happens: Asterisk's AMI events reach the gateway.
    await fake_ami.play("incoming-answered")
    # 4. Routing's call record: answered by Adam, the callee hung up.
    async with httpx.AsyncClient(base_url=routing.url, headers={"Authorization": f"Bearer {token}"}) as adam:
        calls = await eventually(
            lambda: adam.get("/v1/calls"),
            lambda r: r.status_code == 200 and r.json() and r.json()[0]["ended_at"],
        )
    (record,) = calls.json()
    assert (record["call_id"], record["outcome"], record["actual_recipient"]) == (call_id, "answered", "adam")
    assert record["caller_number"] == "+447700900555"


async def test_an_unanswered_call_leaves_a_voicemail_that_lights_the_lamp(platform):
    fake_ami, agi_port, routing, mailbox = (
        platform.fake_ami,
        platform.agi_port,
        platform.routing,
        platform.mailbox,
    )
    token = await adam_on_his_mobile(platform)
    call_id = next(e["Linkedid"] for e in events("incoming-noanswer-voicemail"))
    # 1. The plan rings his mobile, then voicemail.
    call = await eventually(
        lambda: FakeAgiChannel(agi_port, args=[SMARTNUMBER.lstrip("+"), call_id]).run(),
        lambda c: c.variables.get("SN_S2_KIND") == "voicemail",
    )
    assert (call.variables["SN_S1_KIND"], call.variables["SN_S1_DIAL"]) == (
        "ring",
        "Local/447700900001@phones",
    )
    # 2. Nobody answers (the recorded call); the voicemail step records the caller, who hangs
    #    up after speaking: the call's end (AMI) arrives while the message is being deposited.
    voicemail = FakeAgiChannel(
        agi_port,
        script="voicemail",
        args=[call.variables["SN_S2_MAILBOX"], "system", call_id],
        says=tone_wav(2.0),
        hangs_up_while_recording=True,
    )
    await asyncio.gather(voicemail.run(), fake_ami.play("incoming-noanswer-voicemail"))
    # 3. The message is in Adam's mailbox, and the message-waiting light is set on Asterisk.
    async with httpx.AsyncClient(base_url=mailbox.url, headers={"Authorization": f"Bearer {token}"}) as adam:
        (message,) = (
            await eventually(
                lambda: adam.get("/v1/mailboxes/users/me/messages"),
                lambda r: r.status_code == 200 and r.json(),
            )
        ).json()
    assert message["caller_number"] == "+447700900555"
    await eventually(
        fake_ami.recorded_actions, lambda actions: any(a.get("Action") == "MWIUpdate" for a in actions)
    )
    (mwi,) = [a for a in fake_ami.actions if a.get("Action") == "MWIUpdate"]
    assert (mwi["Mailbox"], mwi["NewMessages"]) == ("adam@acme", "1")
    # 4. Routing's record of the call: voicemail.
    async with httpx.AsyncClient(base_url=routing.url, headers={"Authorization": f"Bearer {token}"}) as adam:
        calls = await eventually(
            lambda: adam.get("/v1/calls"),
            lambda r: r.status_code == 200 and r.json() and r.json()[0]["outcome"],
        )
    (record,) = calls.json()
    assert (record["outcome"], record["actual_recipient"]) == ("voicemail", "voicemail:adam")


async def test_click_to_dial_rings_my_location_then_the_number(platform):
    fake_ami, gateway = platform.fake_ami, platform.gateway
    token = await adam_on_his_mobile(platform)
    async with (
        BusWatcher(platform.nats_url, "gateway.>") as bus,
        httpx.AsyncClient(base_url=gateway.url, headers={"Authorization": f"Bearer {token}"}) as adam,
    ):
        r = await adam.post("/v1/click-to-dial", json={"to": "07700 900555"})
        assert r.status_code == 202, r.text
        assert r.json()["first_leg"] == "+447700900001"
        finished = await bus.next_matching("gateway.call.placed.v1", request_id=r.json()["request_id"])
    (originate,) = [a for a in fake_ami.actions if a.get("Action") == "Originate"]
    assert originate["Channel"] == "Local/447700900001@phones"
    assert (originate["Context"], originate["Exten"], originate["Async"]) == (
        "sn-originated",
        "connect",
        "true",
    )
    assert originate["Variable"] == [
        "SN_CONNECT_DIAL=Local/447700900555@phones",
        "SN_CONNECT_NUM=+447700900555",
        f"SN_CALLER_NUM={SMARTNUMBER}",
        "SN_CALLER_NAME=Adam Ant",
    ], "the person called sees Adam's smartnumber and name, not their own number"
    assert originate["CallerID"] == '"Call to +447700900555" <+447700900555>', (
        "Adam's phone: whom it connects to"
    )
    assert (finished["answered"], finished["reason"], finished["user_id"], finished["purpose"]) == (
        True,
        "answered",
        "adam",
        "click-to-dial",
    )


async def test_click_to_dial_needs_a_location_and_a_number(platform, mint):
    nats_url, fake_ami, presence, gateway = (
        platform.nats_url,
        platform.fake_ami,
        platform.presence,
        platform.gateway,
    )
    await create_people(nats_url, "acme", {"cleo": "+441632960003"})
    async with httpx.AsyncClient(
        base_url=presence.url, headers={"Authorization": f"Bearer {mint('cleo', 'acme')}"}
    ) as p:
        await eventually(lambda: p.get("/v1/users/me/presence"), lambda r: r.status_code == 200)
    async with httpx.AsyncClient(
        base_url=gateway.url, headers={"Authorization": f"Bearer {mint('cleo', 'acme')}"}
    ) as cleo:
        none = await cleo.post("/v1/click-to-dial", json={"to": "07700 900555"})
        bad = await cleo.post("/v1/click-to-dial", json={"to": "12"})
    async with httpx.AsyncClient(base_url=gateway.url) as anonymous:
        assert (await anonymous.post("/v1/click-to-dial", json={"to": "07700 900555"})).status_code == 401
    assert none.status_code == 409 and "location is None" in none.json()["detail"]
    assert bad.status_code == 422 and "number to call" in bad.json()["detail"]
    assert not [a for a in fake_ami.actions if a.get("Action") == "Originate"], "nothing was dialled"


async def test_call_manager_accepts_delegates_diverts_holds_and_hangs_up_a_pc_ring_call(platform, mint):
    fake_ami, agi_port, gateway = platform.fake_ami, platform.agi_port, platform.gateway
    token = await adam_on_his_mobile(platform)
    async with httpx.AsyncClient(
        base_url=platform.presence.url, headers={"Authorization": f"Bearer {token}"}
    ) as adam:
        await adam.post("/v1/users/me/call-manager/sessions")
        assert (
            await adam.put("/v1/users/me/availability", json={"availability": "pc_ring"})
        ).status_code == 200
    # 1. A call rings at Adam's PC: the plan's first step is PC ring, and his Call Manager's
    #    live feed shows it ringing for him.
    call_id = "cm-call-1"
    async with (
        httpx.AsyncClient(
            base_url=gateway.url, headers={"Authorization": f"Bearer {token}"}, timeout=10
        ) as web,
        web.stream("GET", "/v1/calls/feed") as feed,
    ):
        lines = feed.aiter_lines()
        assert await anext(lines) == ": connected"
        await eventually(
            lambda: FakeAgiChannel(agi_port, args=[SMARTNUMBER.lstrip("+"), call_id]).run(),
            lambda c: c.variables.get("SN_S1_KIND") == "pc_ring",
        )
        await FakeAgiChannel(agi_port, script="pc-ring", args=[call_id, "1"]).run()
        seen, data = [], []
        async for line in lines:
            if line.startswith("event: "):
                seen.append(line.removeprefix("event: "))
            if line.startswith("data: "):
                data.append(json.loads(line.removeprefix("data: ")))
            if "gateway.call.ringing.v1" in seen and len(data) == len(seen):
                break
    assert seen[0] == "gateway.call.started.v1" and "gateway.call.ringing.v1" in seen
    # The start as the Call Manager gets it: who and what, not routing's plan (its numbers, its
    # reasons), which travels on the bus for routing's record of why.
    assert data[0]["intended_user_id"] == "adam" and "plan" not in data[0]
    caller_channel = f"Local/{SMARTNUMBER.lstrip('+')}@from-trunk-00000000;2"
    async with (
        BusWatcher(platform.nats_url, "gateway.>") as bus,
        httpx.AsyncClient(base_url=gateway.url, headers={"Authorization": f"Bearer {token}"}) as cm,
    ):
        # 2. Someone else cannot touch it.
        async with httpx.AsyncClient(
            base_url=gateway.url, headers={"Authorization": f"Bearer {mint('eve', 'acme')}"}
        ) as eve:
            assert (await eve.post(f"/v1/calls/{call_id}/accept")).status_code == 403
        assert (await cm.post("/v1/calls/nope/accept")).status_code == 404
        # 3. Please Hold, then (the enquiry call made, §7.5.3) Accept: the held caller is put
        #    through to Adam's current location.
        assert (await cm.post(f"/v1/calls/{call_id}/hold")).status_code == 202
        assert (await cm.post(f"/v1/calls/{call_id}/accept")).status_code == 202
        moved = await bus.next_matching("gateway.call.transferred.v1", call_id=call_id, to_user_id="adam")
        assert moved["to_number"] == "+447700900001"
        # 4. Voicemail, Hang up.
        for action in ("voicemail", "hang-up"):
            assert (await cm.post(f"/v1/calls/{call_id}/{action}")).status_code == 202
        # 5. Delegate without a delegate is refused, and nothing moves.
        before = len(fake_ami.actions)
        r = await cm.post(f"/v1/calls/{call_id}/delegate")
        assert r.status_code == 409 and "no delegate" in r.json()["detail"]
        assert len(fake_ami.actions) == before
        # 6. With Bob as his delegate, Delegate sends the caller to Bob's smartnumber (routed again).
        await create_user(platform, platform.boss, "bob", "+441632960002")
        async with httpx.AsyncClient(
            base_url=platform.presence.url, headers={"Authorization": f"Bearer {token}"}
        ) as adam:
            await eventually(
                lambda: adam.put("/v1/users/me/delegate", json={"delegate_id": "bob"}),
                lambda r: r.status_code == 200,
            )
        assert (await cm.post(f"/v1/calls/{call_id}/delegate")).status_code == 202
        await bus.next_matching("gateway.call.transferred.v1", call_id=call_id, to_user_id="bob")
    sent = [
        (a["Action"], a.get("Context"), a.get("Exten"), a.get("Variable"), a.get("Value"))
        for a in fake_ami.actions
        if a["Action"] in ("Setvar", "Redirect", "Hangup")
    ]
    assert sent == [
        ("Redirect", "sn-hold", "s", None, None),
        ("Setvar", None, None, "SN_CM_DIAL", "Local/447700900001@phones"),
        ("Redirect", "sn-cm", "accept", None, None),
        ("Setvar", None, None, "SN_CM_MAILBOX", "adam"),
        ("Redirect", "sn-cm", "voicemail", None, None),
        ("Hangup", None, None, None, None),
        ("Redirect", "sn-incoming", "+441632960002", None, None),
    ]
    assert all(
        a["Channel"] == caller_channel
        for a in fake_ami.actions
        if a["Action"] in ("Setvar", "Redirect", "Hangup")
    )


async def test_call_me_to_record_a_greeting_and_to_leave_a_voicemail_for_a_colleague(platform):
    fake_ami, agi_port, gateway, mailbox = (
        platform.fake_ami,
        platform.agi_port,
        platform.gateway,
        platform.mailbox,
    )
    token = await adam_on_his_mobile(platform)
    await create_user(platform, platform.boss, "bob", "+441632960002")
    bob = await first_login(platform.directory, "+441632960002", "864219")
    async with (
        httpx.AsyncClient(base_url=gateway.url, headers={"Authorization": f"Bearer {token}"}) as adam,
        BusWatcher(platform.nats_url, "gateway.>") as bus,
    ):
        # 1. "Call me to record" my permanent greeting: Asterisk rings my mobile (§5.1.3).
        r = await adam.post("/v1/recordings", json={"greeting": "permanent"})
        assert r.status_code == 202 and r.json()["ringing"] == "+447700900001"
        placed = await bus.next_matching("gateway.call.placed.v1", request_id=r.json()["request_id"])
        assert (placed["purpose"], placed["answered"]) == ("record", True)
        bad = await adam.post("/v1/recordings", json={"greeting": "song"})
        assert bad.status_code == 422
        # 2. "Leave a voicemail" for Bob (§5.4.1).
        assert (await adam.post("/v1/voicemail-calls", json={"to": ["user:bob"]})).status_code == 202
        assert (await adam.post("/v1/voicemail-calls", json={"to": ["bob"]})).status_code == 422
    originated = [a for a in fake_ami.actions if a.get("Action") == "Originate"]
    assert [(a["Exten"], a["Channel"]) for a in originated] == [
        ("record", "Local/447700900001@phones"),
        ("send-voicemail", "Local/447700900001@phones"),
    ]
    assert originated[0]["Variable"] == ["SN_RECORD_KIND=permanent", "SN_USER=adam", "SN_ORG=acme"]
    # Adam's phone shows what each call is for, and his mailbox number (E.164, with its +).
    assert [a["CallerID"] for a in originated] == [
        f'"Record your greeting" <{MAILBOX_NUMBER}>',
        f'"Leave a voicemail" <{MAILBOX_NUMBER}>',
    ]
    # 3. Adam answers each call and speaks after the tone (the conversations Asterisk would run).
    await FakeAgiChannel(
        agi_port, script="record", args=["permanent", "adam", "acme"], says=tone_wav(1.5)
    ).run()
    await FakeAgiChannel(
        agi_port, script="send-voicemail", args=["user:bob", "adam", "acme"], says=tone_wav(2.0)
    ).run()
    async with httpx.AsyncClient(base_url=mailbox.url, headers={"Authorization": f"Bearer {token}"}) as m:
        view = (await m.get("/v1/mailboxes/users/me")).json()
    (greeting,) = view["greetings"]
    assert (greeting["kind"], round(greeting["duration_seconds"], 1)) == ("permanent", 1.5)
    assert view["heard"] == "permanent"
    async with httpx.AsyncClient(base_url=mailbox.url, headers={"Authorization": f"Bearer {bob}"}) as m:
        (message,) = (
            await eventually(
                lambda: m.get("/v1/mailboxes/users/me/messages"), lambda r: r.status_code == 200 and r.json()
            )
        ).json()
    assert message["sender_user_id"] == "adam" and round(message["duration_seconds"]) == 2


async def test_a_message_alert_calls_my_location_and_plays_my_new_messages(platform, mint):
    fake_ami, agi_port, gateway, mailbox = (
        platform.fake_ami,
        platform.agi_port,
        platform.gateway,
        platform.mailbox,
    )
    token = await adam_on_his_mobile(platform)
    gateway_service = mint("gateway", "acme", "service")
    async with httpx.AsyncClient(
        base_url=mailbox.url, headers={"Authorization": f"Bearer {gateway_service}"}
    ) as gw:
        r = await gw.post(
            "/v1/mailboxes/users/adam/messages",
            content=tone_wav(1.0),
            params={"caller_number": "+447700900555"},
            headers={"Content-Type": "audio/wav"},
        )
        assert r.status_code == 201, r.text
    # 1. The alert is asked for by notify (a service) for Adam, or by Adam himself.
    async with httpx.AsyncClient(
        base_url=gateway.url, headers={"Authorization": f"Bearer {gateway_service}"}
    ) as notify:
        r = await notify.post("/v1/message-alert-calls", json={"user_id": "adam"})
        assert r.status_code == 202 and r.json()["ringing"] == "+447700900001"
    async with httpx.AsyncClient(base_url=gateway.url, headers={"Authorization": f"Bearer {token}"}) as adam:
        assert (await adam.post("/v1/message-alert-calls", json={})).status_code == 202
        assert (await adam.post("/v1/message-alert-calls", json={"user_id": "boss"})).status_code == 403
    originated = [a for a in fake_ami.actions if a.get("Action") == "Originate"]
    assert [a["Exten"] for a in originated] == ["play-messages", "play-messages"]
    assert originated[0]["Variable"] == ["SN_USER=adam", "SN_ORG=acme"]
    assert {a["CallerID"] for a in originated} == {f'"New voicemail" <{MAILBOX_NUMBER}>'}, (
        "asked by notify or by Adam, the call says what it is and comes from his mailbox number"
    )
    # 2. Adam answers: he hears that he has new messages, who left it, the message; it becomes Old.
    call = await FakeAgiChannel(agi_port, script="mailbox-alert", args=["adam", "acme"]).run()
    assert call.played[:3] == ["sn/you-have-new-messages", "sn/message-from", "digits:447700900555"]
    assert call.played[-1] == "vm-goodbye" and len(call.played) == 5
    async with httpx.AsyncClient(base_url=mailbox.url, headers={"Authorization": f"Bearer {token}"}) as m:
        (message,) = (await m.get("/v1/mailboxes/users/me/messages")).json()
    assert message["folder"] == "old"


async def test_notifys_alert_command_calls_my_location_and_none_calls_nobody(platform, mint):
    """§3.5's "a call to your current location", decided by notify (its command on the bus):
    the gateway rings Adam's location to play his new messages; the administrator, at None, is
    not called."""
    from datetime import UTC, datetime
    from uuid import uuid4

    from smartnumbers_contracts import gateway as gw

    from services.mailbox.tests.e2e import publish_on_bus

    fake_ami = platform.fake_ami
    await adam_on_his_mobile(platform)

    def alert(user: str) -> gw.CallMessageAlert:
        return gw.CallMessageAlert(
            event_id=uuid4(),
            organisation_id="acme",
            occurred_at=datetime.now(UTC),
            user_id=user,
            owner_kind="user",
            owner_id=user,
            message_id="m-1",
            kind="voicemail",
        )

    # 1. The administrator has no location (None): her alert is done without a call. Then Adam's.
    fake_ami.originate_seen.clear()
    await publish_on_bus(platform.nats_url, alert("boss"), alert("adam"))
    await asyncio.wait_for(fake_ami.originate_seen.wait(), 20)
    originated = [a for a in fake_ami.actions if a.get("Action") == "Originate"]
    assert len(originated) == 1
    assert originated[0]["Exten"] == "play-messages"
    assert originated[0]["Variable"] == ["SN_USER=adam", "SN_ORG=acme"]
    assert originated[0]["CallerID"] == f'"New voicemail" <{MAILBOX_NUMBER}>'
    assert "7700900001" in originated[0]["Channel"]


async def test_a_fax_received_through_asterisk_goes_on_to_the_office_fax_machine(platform):
    from services.mailbox.tests.samples import tiff

    fake_ami, mailbox = platform.fake_ami, platform.mailbox
    token = await adam_on_his_mobile(platform)
    # 1. Adam keeps an office fax number and chooses to have faxes sent there (§5.5, §5.6.1).
    async with httpx.AsyncClient(
        base_url=platform.presence.url, headers={"Authorization": f"Bearer {token}"}
    ) as p:
        assert (await p.patch("/v1/users/me/numbers", json={"office_fax": "01632 960999"})).status_code == 200
    async with httpx.AsyncClient(base_url=mailbox.url, headers={"Authorization": f"Bearer {token}"}) as m:
        await eventually(
            lambda: m.get("/v1/mailboxes/users/me"),
            lambda r: r.json()["fax_numbers"].get("office_fax") == "+441632960999",
        )
        assert (
            await m.patch("/v1/mailboxes/users/me/settings", json={"fax_delivery": "office_fax"})
        ).status_code == 200
    # 2. A fax machine calls his smartnumber; nobody answers, and as the voicemail step answers
    #    Asterisk recognises the machine (FAXOPT(faxdetect)) and runs the "fax" conversation:
    #    ReceiveFAX, and the two pages go into his mailbox.
    call_id = next(e["Linkedid"] for e in events("incoming-noanswer-voicemail"))
    fax_machine = "441632960444"
    call = await eventually(
        lambda: FakeAgiChannel(
            platform.agi_port, args=[SMARTNUMBER.lstrip("+"), call_id], callerid=fax_machine
        ).run(),
        lambda c: c.variables.get("SN_S2_KIND") == "voicemail",
    )
    async with BusWatcher(platform.nats_url, "gateway.>") as bus:
        await FakeAgiChannel(
            platform.agi_port,
            script="fax",
            args=[call.variables["SN_S2_MAILBOX"], call_id],
            callerid=fax_machine,
            fax_sends=tiff(2),
            fax_result={"FAXPAGES": "2"},
        ).run()
        async with httpx.AsyncClient(base_url=mailbox.url, headers={"Authorization": f"Bearer {token}"}) as m:
            (fax,) = (await m.get("/v1/mailboxes/users/me/faxes")).json()
        assert (fax["pages"], fax["caller_number"]) == (2, f"+{fax_machine}")
        # 3. It follows his setting: the office fax machine answers, the dialplan's sn-fax-out
        #    runs the gateway's fax-send conversation, which sends the TIFF with SendFAX and
        #    reads its result: the dialplan's sn-fax-out runs the gateway's
        #    fax-send conversation, which sends the TIFF with SendFAX and reads its result.
        await asyncio.wait_for(fake_ami.originate_seen.wait(), 20)
        (originate,) = [a for a in fake_ami.actions if a.get("Action") == "Originate"]
        assert (originate["Channel"], originate["Context"], originate["Exten"]) == (
            "Local/441632960999@phones",
            "sn-fax-out",
            "send",
        )
        variables = dict(v.split("=", 1) for v in originate["Variable"])
        machine = await FakeAgiChannel(
            platform.agi_port,
            script="fax-send",
            args=[variables[n] for n in ("SN_FAX_COMMAND", "SN_ORG", "SN_USER", "SN_FAX_ID", "SN_FAX_TO")],
            fax_result={"FAXPAGES": "2"},
        ).run()
        sent = await bus.next_matching("gateway.fax.sent.v1", user_id="adam")
    assert machine.faxes_sent == [tiff(2)]
    assert (sent["to_number"], sent["delivered"], sent["pages"], sent["error"]) == (
        "+441632960999",
        True,
        2,
        None,
    )
