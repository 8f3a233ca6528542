"""The attacker with two organisations, at routing's call records and explain mode: every service a
process, Asterisk FAKED at its wire.

Adam (acme) answers a call on his mobile; routing keeps its record and why it went there.
1. Acme's administrator sees it (so what follows is not an empty log).
2. Org B's administrator, asking for Adam's calls, every call, the statistics, the replay of the
   real call id or where Adam's smartnumber would ring: nothing of acme's (empty lists, 404).
3. Alice, an ordinary user of acme: 403 for Adam's calls, everyone's and the statistics; 404 for
   the replay; 403 for explaining Adam's number; her own calls are none.
4. No token, an expired or tampered one: 401.
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


def _as(platform, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=platform.routing.url, headers={"Authorization": f"Bearer {token}"})


async def test_call_records_stay_in_their_organisation_and_with_their_people(platform, dev_keys):
    await adam_on_his_mobile(platform)
    they = await attackers_of_acme(platform)
    call_id = next(e["Linkedid"] for e in events("incoming-answered"))
    await eventually(
        lambda: FakeAgiChannel(platform.agi_port, args=[SMARTNUMBER.lstrip("+"), call_id]).run(),
        lambda c: c.variables.get("SN_CALL_FOR") == "adam",
    )
    await platform.fake_ami.play("incoming-answered")
    # 1. Acme's administrator sees the call, with why.
    async with _as(platform, platform.boss) as boss:
        r = await eventually(
            lambda: boss.get("/v1/calls", params={"user_id": "adam"}),
            lambda r: r.status_code == 200 and r.json() and r.json()[0]["ended_at"] and r.json()[0]["why"],
        )
        assert [c["call_id"] for c in r.json()] == [call_id]
        assert (await boss.get(f"/v1/calls/{call_id}/replay")).status_code == 200
    # 2. Org B's administrator: nothing of acme's.
    async with _as(platform, they.boss_b) as boss_b:
        for user_id in ("adam", "*"):
            r = await boss_b.get("/v1/calls", params={"user_id": user_id})
            assert r.status_code == 200 and r.json() == [], r.text
            r = await boss_b.get("/v1/calls/summary", params={"user_id": user_id})
            assert r.status_code == 200 and r.json() == [], r.text
        r = await boss_b.get(f"/v1/calls/{call_id}/replay")
        assert r.status_code == 404, r.text
        r = await boss_b.get("/v1/route", params={"to": SMARTNUMBER})
        assert r.status_code == 404, r.text
    # 3. Alice, of acme, sees only her own calls (none) and may not explain Adam's.
    async with _as(platform, they.alice) as alice:
        for user_id in ("adam", "*"):
            r = await alice.get("/v1/calls", params={"user_id": user_id})
            assert r.status_code == 403, r.text
            r = await alice.get("/v1/calls/summary", params={"user_id": user_id})
            assert r.status_code == 403, r.text
        assert (await alice.get("/v1/calls")).json() == []
        r = await alice.get(f"/v1/calls/{call_id}/replay")
        assert r.status_code == 404, r.text
        r = await alice.get("/v1/route", params={"to": SMARTNUMBER})
        assert r.status_code == 403, r.text
    # 4. Tokens: none, expired, tampered (B's administrator rewrites his organisation to acme).
    async with httpx.AsyncClient(base_url=platform.routing.url) as anyone:
        assert (await anyone.get("/v1/calls", params={"user_id": "*"})).status_code == 401
        for token in (expired_token(dev_keys, "acme", "boss"), tampered(they.boss_b, "acme")):
            r = await anyone.get(
                "/v1/calls", params={"user_id": "*"}, headers={"Authorization": f"Bearer {token}"}
            )
            assert r.status_code == 401, r.text
