"""The attacker with two organisations, through the web: its pages and ``/api/<service>/…`` on real
directory, presence, mailbox, routing, notify and web processes. Synchronous (httpx against the
web), as tests after the browser stories must be.

A's boss keeps a private contact and schedules the reports; Carol (A) has a voicemail and a fax.
1. Signed in on the web as B's boss: A's contact page, Carol's fax pages and Carol's mailbox
   through the API are refused (404, 403), with nothing of theirs on the page.
2. Signed in as Alice (A, ordinary user): the report schedule page and its delete are for
   administrators (403), and so are deleting a user and resetting a password; A's schedule and
   Carol are as they were.
3. Without a session the API says 401 and the pages send to sign-in; a form without the CSRF
   token is refused (403); a session from an initial password reaches only the password page.
4. B's boss on the live presence feed hears his organisation's moves, none of A's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from two_organisations import TwoOrganisations, add_user, client, service_token, two_organisations

from services.mailbox.tests.samples import tiff, tone_wav
from web.tests.stack import INITIAL, Person

pytestmark = pytest.mark.slow
SCHEDULE = {"reports": ["calls_per_user"], "frequency": "daily", "recipients": ["boss@a.example"]}


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory, dev_keys: tuple[Path, Path]) -> Iterator[dict[str, Any]]:
    with two_organisations(tmp_path_factory.mktemp("web-two"), dev_keys, with_notify=True) as t:
        p = t.platform
        assert p.notify is not None
        boss_a = client(p.directory.url, t.a.admin_token)
        r = boss_a.post(
            "/v1/contacts",
            json={"last_name": "Quasimodo", "viewable_by": "private", "editable_by": "private"},
        )
        assert r.status_code == 201, r.text
        contact = r.json()["id"]
        assert (
            client(p.notify.url, t.a.admin_token).put("/v1/reports/schedule", json=SCHEDULE).status_code
            == 200
        )
        r = client(p.mailbox.url, t.a.user_token).post(
            "/v1/voicemails",
            params={"to": "user:carol"},
            content=tone_wav(1),
            headers={"content-type": "audio/wav"},
        )
        assert r.status_code == 201, r.text
        gateway = client(p.mailbox.url, service_token(dev_keys, t.a.id))
        fax = gateway.post(
            "/v1/mailboxes/users/carol/faxes", content=tiff(1), headers={"content-type": "image/tiff"}
        )
        assert fax.status_code == 201, fax.text
        yield {"two": t, "contact": contact, "fax": fax.json()["id"]}


def browser(t: TwoOrganisations, person: Person) -> tuple[httpx.Client, str]:
    """A browser signed in on the web as ``person``; returns it and its CSRF token."""
    web = httpx.Client(base_url=t.platform.url, timeout=20)
    csrf = _csrf(web.get("/signin").text)
    r = web.post("/signin", data={"csrf_token": csrf, "number": person.number, "password": person.password})
    assert r.status_code == 303, r.text
    return web, _csrf(web.get("/signin").text)


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def _carol_and_schedule(t: TwoOrganisations) -> tuple[Any, ...]:
    assert t.platform.notify is not None
    carol = client(t.platform.mailbox.url, t.carol_token)
    return (
        client(t.platform.notify.url, t.a.admin_token).get("/v1/reports/schedule").json()["recipients"],
        client(t.platform.directory.url, t.a.admin_token).get("/v1/users/carol").status_code,
        carol.get("/v1/mailboxes/users/me").json()["new"],
        len(carol.get("/v1/mailboxes/users/me/faxes").json()),
    )


def test_the_other_organisations_boss_sees_nothing_of_the_first_on_the_web(two: dict[str, Any]) -> None:
    t: TwoOrganisations = two["two"]
    before = _carol_and_schedule(t)
    web, csrf = browser(t, t.b.admin)
    page = web.get(f"/address-book/contacts/{two['contact']}")
    assert page.status_code == 404 and "Quasimodo" not in page.text, page.status_code
    assert web.get(f"/vmail/faxes/{two['fax']}/pages/1.png").status_code == 404
    for path in (
        "/api/mailbox/v1/mailboxes/users/carol/messages",
        "/api/mailbox/v1/mailboxes/users/carol/faxes",
    ):
        assert web.get(path).status_code in (403, 404), path
    assert web.get("/api/directory/v1/users/carol").status_code == 404
    assert web.get("/api/notify/v1/reports/schedule").status_code == 404
    r = web.post(f"/vmail/faxes/{two['fax']}/delete", data={"csrf_token": csrf})
    assert r.status_code == 404, r.status_code
    r = web.delete(
        "/api/mailbox/v1/mailboxes/users/carol/faxes/" + two["fax"], headers={"x-csrf-token": csrf}
    )
    assert r.status_code in (403, 404)
    assert _carol_and_schedule(t) == before


def test_an_ordinary_user_is_no_administrator_on_the_web(two: dict[str, Any]) -> None:
    t: TwoOrganisations = two["two"]
    before = _carol_and_schedule(t)
    web, csrf = browser(t, t.a.user)
    page = web.get("/statistics/reports")
    assert page.status_code == 403 and "boss@a.example" not in page.text
    assert web.post("/statistics/reports/delete", data={"csrf_token": csrf}).status_code == 403
    r = web.post("/administration/users/delete", data={"csrf_token": csrf, "user_id": "carol"})
    assert r.status_code == 403, r.status_code
    r = web.post(
        "/administration/users/reset-password",
        data={"csrf_token": csrf, "user_id": "carol", "initial_password": "111111"},
    )
    assert r.status_code in (403, 422), r.status_code
    assert web.delete("/api/notify/v1/reports/schedule", headers={"x-csrf-token": csrf}).status_code == 403
    assert _carol_and_schedule(t) == before


def test_no_session_no_csrf_or_an_initial_password_reach_nothing(two: dict[str, Any]) -> None:
    t: TwoOrganisations = two["two"]
    before = _carol_and_schedule(t)
    anonymous = httpx.Client(base_url=t.platform.url, timeout=20)
    assert anonymous.get("/api/directory/v1/users").status_code == 401
    r = anonymous.get("/vmail")
    assert r.status_code == 303 and r.headers["location"] == "/signin"
    web, _ = browser(t, t.a.admin)
    r = web.post("/statistics/reports/delete", data={})
    assert r.status_code == 403
    assert web.delete("/api/notify/v1/reports/schedule").status_code == 403
    dave, _ = add_user(t.platform, t.a.admin_token, "dave", "Dave Dean", change=False)
    assert dave.password == INITIAL
    web = httpx.Client(base_url=t.platform.url, timeout=20)
    csrf = _csrf(web.get("/signin").text)
    r = web.post("/signin", data={"csrf_token": csrf, "number": dave.number, "password": INITIAL})
    assert r.status_code == 303 and r.headers["location"] == "/password"
    r = web.get("/vmail")
    assert r.status_code == 303 and r.headers["location"] == "/password"
    assert web.get("/api/mailbox/v1/mailboxes/users/me").status_code == 403
    assert _carol_and_schedule(t) == before


def _moves_to_mobile(t: TwoOrganisations, token: str, mobile: str) -> None:
    presence = client(t.platform.presence.url, token)
    assert presence.patch("/v1/users/me/numbers", json={"mobile": mobile}).status_code == 200
    assert presence.put("/v1/users/me/location", json={"location": "mobile"}).status_code == 200


def test_the_live_presence_feed_carries_only_the_own_organisations_events(two: dict[str, Any]) -> None:
    """B's boss listens to the presence feed through the web while Carol (A) moves to her mobile,
    then Bob (B) to his: he hears Bob, and nothing of Carol or her number."""
    t: TwoOrganisations = two["two"]
    web, _ = browser(t, t.b.admin)
    with web.stream("GET", "/api/presence/v1/presence/feed", headers={"accept": "text/event-stream"}) as feed:
        assert feed.status_code == 200
        lines = feed.iter_lines()
        assert next(lines).startswith(": connected")
        _moves_to_mobile(t, t.carol_token, "07700 900771")
        _moves_to_mobile(t, t.b.user_token, "07700 900772")
        heard: list[str] = []
        for line in lines:
            heard.append(line)
            if (
                line.startswith("data:")
                and '"bob"' in line
                and "location" in line
                and "+447700900772" in line
            ):
                break
    assert not [line for line in heard if t.a.id in line or "carol" in line or "900771" in line], heard
