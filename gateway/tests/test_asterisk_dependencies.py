"""What the gateway needs of Asterisk is checked when AMI (re)connects: a missing module is
logged at WARNING, saying what will not work, and shown in /readyz (issue 13)."""

from __future__ import annotations

import asyncio
import logging

from smartnumbers_gateway.asterisk.ami import REQUIRED_MODULES

from gateway.tests.fake_ami import FakeAmi
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
