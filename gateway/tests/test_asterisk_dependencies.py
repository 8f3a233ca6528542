"""What the gateway needs of Asterisk is checked when AMI (re)connects: a missing module is
logged at WARNING, saying what will not work, and shown in /readyz (issue 13)."""

from __future__ import annotations

import asyncio
import logging

from smartnumbers_gateway.asterisk.ami import REQUIRED_MODULES

from gateway.tests.fake_agi import FakeAgiChannel
from gateway.tests.fake_ami import FakeAmi, desk_phone, healthy_trunk
from gateway.tests.gateway_app import gateway_in_process


async def _readiness(client, want_ready: bool) -> dict:
    for _ in range(200):
        answer = await client.get("/readyz")
        body = answer.json()
        if body["ready"] is want_ready and "asterisk_module_res_agi" in body["checks"]:
            return {"status": answer.status_code, **body}
        await asyncio.sleep(0.05)  # the check runs in the background after the login
    raise AssertionError(f"/readyz never became ready={want_ready}: {body}")


class Kept(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_a_missing_module_is_a_warning_and_shows_in_readyz(
    monkeypatch, tmp_path, nats_server, dev_keys
):
    fake = FakeAmi(missing_modules={"res_mwi_external_ami", "res_musiconhold"})
    kept = Kept()
    logger = logging.getLogger("smartnumbers_gateway.asterisk.ami")
    logger.addHandler(kept)  # the service's own logging configuration does not reach caplog
    try:
        async with gateway_in_process(monkeypatch, tmp_path, nats_server.url, dev_keys, fake_ami=fake) as gw:
            readiness = await _readiness(gw.client, want_ready=False)
    finally:
        logger.removeHandler(kept)
    assert readiness["status"] == 503
    checks = readiness["checks"]
    assert checks["asterisk_module_res_mwi_external_ami"] is False
    assert checks["asterisk_module_res_musiconhold"] is False
    assert checks["asterisk_module_res_agi"] is True and checks["ami"] is True
    assert {a.get("Module") for a in fake.actions if a.get("Action") == "ModuleCheck"} == set(
        REQUIRED_MODULES
    )
    warnings = [r.getMessage() for r in kept.records if r.levelno == logging.WARNING]
    assert any("res_mwi_external_ami" in w and "message-waiting" in w for w in warnings), warnings
    assert any("res_musiconhold" in w and "Please Hold" in w for w in warnings), warnings


async def test_with_every_module_the_gateway_is_ready(monkeypatch, tmp_path, nats_server, dev_keys):
    async with gateway_in_process(monkeypatch, tmp_path, nats_server.url, dev_keys) as gw:
        readiness = await _readiness(gw.client, want_ready=True)
    assert readiness["status"] == 200


async def _checks(client, name: str, want: bool) -> dict:
    for _ in range(200):
        body = (await client.get("/readyz")).json()
        if body["checks"].get(name) is want:
            return body
        await asyncio.sleep(0.05)  # a ContactStatus event is handled as AMI delivers it
    raise AssertionError(f"/readyz never had {name}={want}: {body}")


async def test_a_trunk_without_its_identify_is_a_warning_and_shows_in_readyz(
    monkeypatch, tmp_path, nats_server, dev_keys
):
    """pjsip.conf matched the carrier by a name that did not resolve: Asterisk dropped the identify."""
    fake = FakeAmi(endpoints={"trunk": healthy_trunk(match="")})
    kept = Kept()
    logger = logging.getLogger("smartnumbers_gateway.asterisk.sip_status")
    logger.addHandler(kept)
    try:
        async with gateway_in_process(monkeypatch, tmp_path, nats_server.url, dev_keys, fake_ami=fake) as gw:
            answer = await gw.client.get("/readyz")
    finally:
        logger.removeHandler(kept)
    assert answer.status_code == 503
    assert answer.json()["checks"]["asterisk_trunk_identify"] is False
    assert answer.json()["checks"]["asterisk_trunk_reachable"] is True
    assert {"Action": "PJSIPShowEndpoint", "Endpoint": "trunk"}.items() <= next(
        a for a in fake.actions if a.get("Action") == "PJSIPShowEndpoint"
    ).items()
    warnings = [r.getMessage() for r in kept.records if r.levelno == logging.WARNING]
    assert any("no identify" in w and "match" in w for w in warnings), warnings


async def test_an_unreachable_trunk_contact_shows_in_readyz_until_it_answers_again(
    monkeypatch, tmp_path, nats_server, dev_keys
):
    fake = FakeAmi(endpoints={"trunk": healthy_trunk(contact_status="Reachable")})
    kept = Kept()
    logger = logging.getLogger("smartnumbers_gateway.asterisk.sip_status")
    logger.addHandler(kept)
    contact = {"Event": "ContactStatus", "URI": "sip:sip.carrier.example:5060", "AOR": "trunk"}
    try:
        async with gateway_in_process(monkeypatch, tmp_path, nats_server.url, dev_keys, fake_ami=fake) as gw:
            ready = await _readiness(gw.client, want_ready=True)
            assert ready["checks"]["asterisk_trunk_identify"] is True
            # The carrier stops answering OPTIONS (qualify on): Asterisk says so.
            await fake.event({**contact, "ContactStatus": "Unreachable", "EndpointName": "trunk"})
            body = await _checks(gw.client, "asterisk_trunk_reachable", False)
            assert body["ready"] is False
            # A desk phone going away is not the trunk.
            await fake.event({**contact, "ContactStatus": "Reachable", "EndpointName": "desk-1001"})
            await fake.event({**contact, "ContactStatus": "Reachable", "EndpointName": "trunk"})
            await _checks(gw.client, "asterisk_trunk_reachable", True)
    finally:
        logger.removeHandler(kept)
    warnings = [r.getMessage() for r in kept.records if r.levelno == logging.WARNING]
    assert any("Unreachable" in w and "qualify_frequency = 0" in w for w in warnings), warnings


async def test_a_trunk_contact_unreachable_at_connect_is_reported(
    monkeypatch, tmp_path, nats_server, dev_keys
):
    fake = FakeAmi(endpoints={"trunk": healthy_trunk(contact_status="Unreachable")})
    async with gateway_in_process(monkeypatch, tmp_path, nats_server.url, dev_keys, fake_ami=fake) as gw:
        answer = await gw.client.get("/readyz")
    assert answer.status_code == 503 and answer.json()["checks"]["asterisk_trunk_reachable"] is False


async def test_desk_phones_of_this_asterisk_are_learnt_at_connect_and_dialled_directly(
    monkeypatch, tmp_path, nats_server, dev_keys
):
    """Endpoints in from-phones, by their caller id's number: PJSIP/<endpoint>, not the trunk template."""
    fake = FakeAmi(
        endpoints={
            "trunk": healthy_trunk(),
            "desk-1001": desk_phone("desk-1001", "+441632960100", "adam@acme"),
            "softphone": [{"Event": "EndpointDetail", "Context": "elsewhere", "Callerid": "<+441632960101>"}],
        }
    )
    async with gateway_in_process(monkeypatch, tmp_path, nats_server.url, dev_keys, fake_ami=fake) as gw:
        placing = gw.http.state.placing
        assert placing.desk_phones == {"+441632960100": "desk-1001"}
        assert placing.dial("+441632960100") == "PJSIP/desk-1001"
        assert placing.dial("+441632960101") == "Local/441632960101@phones", "not a desk phone: the template"
        # Asterisk restarts without that phone: the gateway forgets it at the next login.
        fake.endpoints = {"trunk": healthy_trunk()}
        gw.http.state.runtime.ami.checked.clear()
        fake.drop()
        await asyncio.wait_for(gw.http.state.runtime.ami.checked.wait(), 20)
        assert placing.dial("+441632960100") == "Local/441632960100@phones"


async def test_missing_sounds_and_music_on_hold_are_warnings_and_listed_in_readyz(
    monkeypatch, tmp_path, nats_server, dev_keys
):
    """At login the gateway places its self-check call; Asterisk runs sn-selfcheck's FastAGI."""
    kept = Kept()
    logger = logging.getLogger("smartnumbers_gateway.asterisk.self_check")
    logger.addHandler(kept)
    try:
        async with gateway_in_process(monkeypatch, tmp_path, nats_server.url, dev_keys) as gw:
            (placed,) = gw.fake_ami.self_checks
            assert (placed["Channel"], placed["Application"], placed["Async"]) == (
                "Local/check@sn-selfcheck",
                "Wait",
                "true",
            )
            assert "asterisk_sounds" not in (await gw.client.get("/readyz")).json()["checks"]
            port = gw.http.state.settings.agi_port
            # 1. A build without the core sounds' beep, prompts not built, no music on hold.
            call = await FakeAgiChannel(
                port,
                script="selfcheck",
                extension="check",
                missing_files={"beep", "sn/still-on-hold"},
                music_on_hold=False,
            ).run()
            answer = await gw.client.get("/readyz")
            checks = answer.json()["checks"]
            assert answer.status_code == 503
            assert checks["asterisk_sounds"] is False and checks["asterisk_moh_default"] is False
            assert {k for k, v in checks.items() if k.startswith("asterisk_sound_") and not v} == {
                "asterisk_sound_beep",
                "asterisk_sound_sn/still-on-hold",
            }
            # 2. Fixed, and checked again (at the next login): ready.
            await FakeAgiChannel(port, script="selfcheck", extension="check").run()
            await _readiness(gw.client, want_ready=True)
    finally:
        logger.removeHandler(kept)
    stat = next(c for c in call.sent if c.startswith("GET FULL VARIABLE") and "/beep." in c)
    assert "${STAT(e,${ASTDATADIR}/sounds/${CHANNEL(language)}/beep.wav)}" in stat
    warnings = [r.getMessage() for r in kept.records if r.levelno == logging.WARNING]
    assert any("beep" in w and "sn/still-on-hold" in w for w in warnings), warnings
    assert any("music-on-hold class 'default'" in w for w in warnings), warnings


async def test_desk_phones_added_by_a_pjsip_reload_are_learnt_without_a_reconnect(
    monkeypatch, tmp_path, nats_server, dev_keys
):
    fake = FakeAmi()
    async with gateway_in_process(monkeypatch, tmp_path, nats_server.url, dev_keys, fake_ami=fake) as gw:
        placing = gw.http.state.placing
        assert placing.dial("+441632960100") == "Local/441632960100@phones"
        fake.endpoints["desk-1001"] = desk_phone("desk-1001", "+441632960100", "adam@acme")
        await fake.event({"Event": "Reload", "Module": "res_pjsip.so", "Status": "0"})
        for _ in range(200):
            if placing.dial("+441632960100") == "PJSIP/desk-1001":
                break
            await asyncio.sleep(0.02)  # the endpoints are asked for as the Reload event arrives
        assert placing.dial("+441632960100") == "PJSIP/desk-1001"
        assert fake.logins == 1, "no reconnect was needed"
