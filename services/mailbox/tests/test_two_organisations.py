"""The attacker with two organisations, at the mailbox: real directory, presence and mailbox processes.

Carol (org A) has a voicemail from Alice, a recorded name, a fax and her team's mailbox (sales).
1. Org B's administrator, with the real ids of Carol's message and fax, can neither read, play,
   move, forward, archive or delete them, nor change Carol's greetings and settings, nor send to
   her: 404 (there is no such mailbox in B; 403 where an administrator never listens), and Carol's
   mailbox is as it was.
2. Alice, an ordinary user of A, reaches neither Carol's mailbox nor the team mailbox she is not a
   member of: 403, and nothing changed. She may not deposit what callers leave (the gateway does).
3. No token, an expired or tampered one: 401; a token from an initial password: 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from two_organisations import (
    TwoOrganisations,
    add_user,
    client,
    expired_token,
    service_token,
    tampered,
    two_organisations,
)

from services.mailbox.tests.samples import tiff, tone_wav
from web.tests.stack import eventually

pytestmark = pytest.mark.slow
WAV = {"content-type": "audio/wav"}


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory, dev_keys: tuple[Path, Path]) -> Iterator[dict[str, Any]]:
    with two_organisations(tmp_path_factory.mktemp("mailbox-two"), dev_keys) as t:
        yield {"two": t, **_carols_mailbox(t, dev_keys)}


def _carols_mailbox(t: TwoOrganisations, keys: tuple[Path, Path]) -> dict[str, str]:
    p = t.platform
    admin = client(p.directory.url, t.a.admin_token)
    r = admin.post(
        "/v1/teams", json={"team_id": "sales", "kind": "team", "name": "Sales", "members": ["carol"]}
    )
    assert r.status_code == 201, r.text
    alice = client(p.mailbox.url, t.a.user_token)
    r = alice.post("/v1/voicemails", params={"to": "user:carol"}, content=tone_wav(1), headers=WAV)
    assert r.status_code == 201, r.text
    (message,) = [d["message_id"] for d in r.json()]
    carol = client(p.mailbox.url, t.carol_token)
    assert (
        carol.put("/v1/mailboxes/users/me/greetings/name", content=tone_wav(1), headers=WAV).status_code
        == 200
    )
    gateway = client(p.mailbox.url, service_token(keys, t.a.id))
    r = gateway.post(
        "/v1/mailboxes/users/carol/faxes", content=tiff(1), headers={"content-type": "image/tiff"}
    )
    assert r.status_code == 201, r.text
    fax = r.json()["id"]
    # A caller leaves a message on the team's number (the mailbox learns of the team from the bus).
    eventually(lambda: gateway.get("/v1/mailboxes/teams/sales").status_code == 200)
    r = gateway.post("/v1/mailboxes/teams/sales/messages", content=tone_wav(1), headers=WAV)
    assert r.status_code == 201, r.text
    return {"message": message, "team_message": r.json()["id"], "fax": fax}


def _state(t: TwoOrganisations) -> tuple[Any, ...]:
    """Carol's mailbox and the team's as their owners see them."""
    carol = client(t.platform.mailbox.url, t.carol_token)
    return (
        carol.get("/v1/mailboxes/users/me").json(),
        carol.get("/v1/mailboxes/users/me/messages").json(),
        carol.get("/v1/mailboxes/users/me/faxes").json(),
        carol.get("/v1/mailboxes/teams/sales/messages").json(),
    )


def _attempts(message: str, fax: str, owner: str = "users/carol") -> list[tuple[str, str, dict[str, Any]]]:
    base = f"/v1/mailboxes/{owner}"
    audio = {"content": tone_wav(1), "headers": WAV}
    return [
        ("GET", base, {}),
        ("GET", base + "/messages", {}),
        ("GET", f"{base}/messages/{message}", {}),
        ("GET", f"{base}/messages/{message}/audio", {}),
        ("PUT", f"{base}/messages/{message}/folder", {"json": {"folder": "saved"}}),
        ("PUT", f"{base}/messages/{message}/urgent", {"json": {"urgent": True}}),
        ("POST", f"{base}/messages/{message}/forward", {"params": {"to": "user:boss"}}),
        ("POST", f"{base}/messages/{message}/reply", audio),
        ("POST", f"{base}/messages/{message}/archive", {}),
        ("DELETE", f"{base}/messages/{message}", {}),
        ("GET", base + "/faxes", {}),
        ("GET", f"{base}/faxes/{fax}/image", {}),
        ("POST", f"{base}/faxes/{fax}/save", {}),
        ("POST", f"{base}/faxes/{fax}/forward", {"params": {"to": "user:boss"}}),
        ("DELETE", f"{base}/faxes/{fax}", {}),
        ("GET", base + "/greetings/name/audio", {}),
        ("PUT", base + "/greetings/permanent", audio),
        ("DELETE", base + "/greetings/name", {}),
        *(
            [("PUT", base + "/extended-absence", {"json": {"enabled": True}})]
            if owner.startswith("users")
            else []
        ),
        ("PATCH", base + "/settings", {"json": {"voice_to_email": True}}),
    ]


def _refused(http: httpx.Client, attempts: list[tuple[str, str, dict[str, Any]]], statuses: set[int]) -> None:
    for method, path, kwargs in attempts:
        r = http.request(method, path, **kwargs)
        assert r.status_code in statuses, f"{method} {path}: {r.status_code} {r.text}"


def test_the_other_organisations_administrator_reaches_nothing_of_carols(two: dict[str, Any]) -> None:
    t: TwoOrganisations = two["two"]
    before = _state(t)
    boss_b = client(t.platform.mailbox.url, t.b.admin_token)
    # 1. Every route on Carol's mailbox, with the real ids: no such mailbox in B (404), or not one
    #    an administrator listens to (403).
    _refused(boss_b, _attempts(two["message"], two["fax"]), {403, 404})
    _refused(boss_b, _attempts(two["team_message"], two["fax"], "teams/sales"), {403, 404})
    # 2. Nor can B's administrator leave her a voicemail.
    r = boss_b.post("/v1/voicemails", params={"to": "user:carol"}, content=tone_wav(1), headers=WAV)
    assert r.status_code == 404, r.text
    # 3. Carol's mailbox is as it was: the message new, the fax kept, the name greeting there.
    assert _state(t) == before
    (mailbox, messages, faxes, team) = before
    assert mailbox["new"] == 1 and [m["id"] for m in messages] == [two["message"]]
    assert [f["id"] for f in faxes] == [two["fax"]] and len(team) == 1


def test_an_ordinary_user_reaches_neither_a_colleagues_nor_a_team_she_is_not_in(two: dict[str, Any]) -> None:
    t: TwoOrganisations = two["two"]
    before = _state(t)
    alice = client(t.platform.mailbox.url, t.a.user_token)
    _refused(alice, _attempts(two["message"], two["fax"]), {403})
    _refused(alice, _attempts(two["team_message"], two["fax"], "teams/sales"), {403})
    # What callers leave is deposited by the gateway only.
    r = alice.post("/v1/mailboxes/users/carol/messages", content=tone_wav(1), headers=WAV)
    assert r.status_code == 403, r.text
    r = alice.post("/v1/mailboxes/users/carol/faxes", content=tiff(1), headers={"content-type": "image/tiff"})
    assert r.status_code == 403, r.text
    # Sending as someone else is refused too.
    r = alice.post(
        "/v1/voicemails", params={"to": "user:carol", "sender": "boss"}, content=tone_wav(1), headers=WAV
    )
    assert r.status_code == 403, r.text
    assert _state(t) == before


def test_without_a_good_token_nothing_is_read(two: dict[str, Any], dev_keys: tuple[Path, Path]) -> None:
    t: TwoOrganisations = two["two"]
    url = t.platform.mailbox.url
    path = "/v1/mailboxes/users/carol/messages"
    assert httpx.get(url + path).status_code == 401
    assert client(url, expired_token(dev_keys, t.a.id, "carol")).get(path).status_code == 401
    # B's administrator rewrites the organisation in his own token: the signature no longer holds.
    assert client(url, tampered(t.b.admin_token, t.a.id)).get("/v1/mailboxes/users/boss").status_code == 401
    _, initial = add_user(t.platform, t.a.admin_token, "dave", "Dave Dean", change=False)
    r = client(url, initial).get("/v1/mailboxes/users/me")
    assert r.status_code == 403 and "change your password" in r.text
