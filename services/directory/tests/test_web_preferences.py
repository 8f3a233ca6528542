"""A user's Web Services preferences (§6) are kept with the user, against a real process: they
follow the user to any browser; only the user reads and changes them; bad input is refused."""

from __future__ import annotations

import uuid

from .e2e import client, create_organisation, first_login, new_user, smartnumber

CHOSEN = {"startup_page": "vmail", "toolbar": ["location", "search"], "pda_toolbar": [], "pda_layout": True}


async def test_a_user_keeps_her_web_preferences(service):
    org = f"org-{uuid.uuid4().hex[:8]}"
    boss_token = await first_login(service, create_organisation(service, org, "boss"), "828374")
    number = smartnumber()
    async with client(service, boss_token) as boss:
        await new_user(boss, "alice", first_name="Alice", last_name="Archer", smartnumber=number)
    alice_token = await first_login(service, number, "919283")
    async with client(service, alice_token) as alice, client(service, boss_token) as boss:
        # 1. None chosen yet: every field null (the web uses its defaults).
        r = await alice.get("/v1/users/me/web-preferences")
        assert r.status_code == 200 and r.json() == dict.fromkeys(CHOSEN)
        # 2. She chooses them; they are read back, in any later session.
        r = await alice.put("/v1/users/me/web-preferences", json=CHOSEN)
        assert r.status_code == 200 and r.json() == CHOSEN
        assert (await alice.get("/v1/users/alice/web-preferences")).json() == CHOSEN
        # 3. They are hers: not even an administrator reads or changes them.
        assert (await boss.get("/v1/users/alice/web-preferences")).status_code == 403
        r = await boss.put("/v1/users/alice/web-preferences", json={"startup_page": "contact"})
        assert r.status_code == 403 and "your own" in r.text
        assert (await boss.get("/v1/users/me/web-preferences")).json()["startup_page"] is None
        # 4. Bad input: a clear 422 naming the field, nothing changed.
        for bad in (
            {"startup_page": "x" * 33},
            {"toolbar": ["search"] * 21},
            {"startup_page": "<script>"},
            {"colour": "red"},
        ):
            r = await alice.put("/v1/users/me/web-preferences", json=bad)
            assert r.status_code == 422 and next(iter(bad)) in r.text, (bad, r.text)
        assert (await alice.get("/v1/users/me/web-preferences")).json() == CHOSEN
