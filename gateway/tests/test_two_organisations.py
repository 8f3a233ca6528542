"""The attacker with two organisations, at the gateway's call control: every service a process,
Asterisk FAKED at its wire (AMI server, FastAGI client).

A call for Adam (acme) is ringing: the gateway holds its plan and the caller's channel.
1. Org B's administrator, with the real call id, tries every Call Manager action: 404 (no such
   call in his organisation), and Asterisk is told nothing.
2. Alice, an ordinary user of acme the call is not for, tries them: 403, and Asterisk is told nothing.
3. Adam puts the caller on hold: the one Redirect Asterisk receives (so the refusals above were
   the checks, not a call the gateway could not move).
4. Click-to-dial places a call for the signed-in user only: a body naming someone else is refused.
5. No token, an expired or tampered one: 401; an initial-password token: 403.
"""

from __future__ import annotations

import httpx
import pytest
from two_organisations import attackers_of_acme, expired_token, tampered

from gateway.tests.fake_agi import FakeAgiChannel
from gateway.tests.transcripts import events
from services.presence.tests.e2e import eventually
from tests.test_call_round_trip import SMARTNUMBER, adam_on_his_mobile, platform

pytestmark = pytest.mark.slow
__all__ = ["platform"]  # the fixture: every service as a process, a fake Asterisk
ACTIONS = ("accept", "delegate", "voicemail", "hold", "hang-up")


def _moves(actions: list[dict[str, str]]) -> list[dict[str, str]]:
    return [a for a in actions if a.get("Action") in ("Redirect", "Hangup", "Setvar")]


async def test_only_the_person_called_controls_the_call(platform, dev_keys):
    fake_ami, gateway = platform.fake_ami, platform.gateway
    adam = await adam_on_his_mobile(platform)
    they = await attackers_of_acme(platform)
    call_id = next(e["Linkedid"] for e in events("incoming-answered"))
    await eventually(
        lambda: FakeAgiChannel(platform.agi_port, args=[SMARTNUMBER.lstrip("+"), call_id]).run(),
        lambda c: c.variables.get("SN_CALL_FOR") == "adam",
    )
    before = len(_moves(fake_ami.actions))

    async def act(token: str, action: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=gateway.url, headers={"Authorization": f"Bearer {token}"}) as c:
            return await c.post(f"/v1/calls/{call_id}/{action}")

    # 1. Org B's administrator: no such call in his organisation.
    for action in ACTIONS:
        r = await act(they.boss_b, action)
        assert r.status_code == 404, (action, r.text)
    # 2. Alice, of the same organisation, is not the person called.
    for action in ACTIONS:
        r = await act(they.alice, action)
        assert r.status_code == 403, (action, r.text)
    assert len(_moves(fake_ami.actions)) == before, _moves(fake_ami.actions)[before:]
    # 3. Adam may: the caller is moved to the hold music.
    r = await act(adam, "hold")
    assert r.status_code == 202, r.text
    (moved,) = _moves(fake_ami.actions)[before:]
    assert (moved["Action"], moved["Context"]) == ("Redirect", "sn-hold")
    # 4. Click-to-dial rings the caller's own location: naming another user is refused.
    async with httpx.AsyncClient(
        base_url=gateway.url, headers={"Authorization": f"Bearer {they.alice}"}
    ) as c:
        r = await c.post("/v1/click-to-dial", json={"to": "01632 960999", "user_id": "adam"})
        assert r.status_code == 422, r.text
        r = await c.post("/v1/message-alert-calls", json={"user_id": "adam"})
        assert r.status_code == 403, r.text
    # 5. Tokens: none, expired, tampered (B's administrator rewrites his organisation to acme).
    async with httpx.AsyncClient(base_url=gateway.url) as anyone:
        assert (await anyone.post(f"/v1/calls/{call_id}/hang-up")).status_code == 401
        for token in (expired_token(dev_keys, "acme", "adam"), tampered(they.boss_b, "acme")):
            r = await anyone.post(
                f"/v1/calls/{call_id}/hang-up", headers={"Authorization": f"Bearer {token}"}
            )
            assert r.status_code == 401, r.text
    assert len(_moves(fake_ami.actions)) == before + 1
