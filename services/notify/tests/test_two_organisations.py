"""The attacker with two organisations, at notify: real directory, presence, mailbox, routing and
notify processes.

Org A's administrator schedules the daily report (§8.1) to his address; Carol has a pager.
1. Org B's administrator reads no schedule (404), cannot stop A's (404: B has none), and the one he
   sets is B's: A's schedule is as it was. He does not see Carol's alerts (404).
2. Alice, an ordinary user of A, may not read, change or stop the schedule (403), nor read or
   change Carol's pager or alerts (403): all as they were.
3. No token, an expired or tampered one: 401; an initial-password token: 403.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from two_organisations import TwoOrganisations, add_user, client, expired_token, tampered, two_organisations

from web.tests.stack import eventually

pytestmark = pytest.mark.slow
SCHEDULE = {"reports": ["calls_per_user"], "frequency": "daily", "recipients": ["boss@a.example"]}


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory, dev_keys: tuple[Path, Path]) -> Iterator[TwoOrganisations]:
    with two_organisations(tmp_path_factory.mktemp("notify-two"), dev_keys, with_notify=True) as t:
        assert t.platform.notify is not None
        boss_a = client(t.platform.notify.url, t.a.admin_token)
        assert boss_a.put("/v1/reports/schedule", json=SCHEDULE).status_code == 200
        carol = client(t.platform.notify.url, t.carol_token)
        eventually(lambda: carol.get("/v1/users/me/alerts").status_code == 200)
        assert carol.put("/v1/users/me/pager", json={"pager_number": "07700 900222"}).status_code == 200
        yield t


def _a_as_it_was(t: TwoOrganisations) -> None:
    assert t.platform.notify is not None
    r = client(t.platform.notify.url, t.a.admin_token).get("/v1/reports/schedule")
    assert r.status_code == 200 and {k: r.json()[k] for k in SCHEDULE} == {**SCHEDULE}, r.text
    carol = client(t.platform.notify.url, t.carol_token)
    assert carol.get("/v1/users/me/pager").json() == {"pager_number": "+447700900222"}


def test_the_other_organisations_administrator_has_only_his_own_schedule(two: TwoOrganisations) -> None:
    assert two.platform.notify is not None
    boss_b = client(two.platform.notify.url, two.b.admin_token)
    assert boss_b.get("/v1/reports/schedule").status_code == 404
    assert boss_b.delete("/v1/reports/schedule").status_code == 404
    _a_as_it_was(two)
    theirs = {"reports": ["outcomes"], "frequency": "weekly", "recipients": ["boss@b.example"]}
    assert boss_b.put("/v1/reports/schedule", json=theirs).status_code == 200
    assert boss_b.get("/v1/reports/schedule").json()["recipients"] == ["boss@b.example"]
    assert boss_b.get("/v1/users/carol/alerts").status_code == 404
    _a_as_it_was(two)
    assert boss_b.delete("/v1/reports/schedule").status_code == 204
    _a_as_it_was(two)


def test_an_ordinary_user_neither_schedules_reports_nor_touches_a_colleagues_pager(
    two: TwoOrganisations,
) -> None:
    assert two.platform.notify is not None
    alice = client(two.platform.notify.url, two.a.user_token)
    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/v1/reports/schedule", {}),
        ("PUT", "/v1/reports/schedule", {"json": {**SCHEDULE, "recipients": ["alice@evil.example"]}}),
        ("DELETE", "/v1/reports/schedule", {}),
        ("GET", "/v1/users/carol/pager", {}),
        ("PUT", "/v1/users/carol/pager", {"json": {"pager_number": "07700 900999"}}),
        ("GET", "/v1/users/carol/alerts", {}),
        ("GET", "/v1/deliveries?user_id=carol", {}),
    ]
    for method, path, kwargs in attempts:
        r = alice.request(method, path, **kwargs)
        assert r.status_code == 403, f"{method} {path}: {r.status_code} {r.text}"
    _a_as_it_was(two)


def test_without_a_good_token_nothing_is_read(two: TwoOrganisations, dev_keys: tuple[Path, Path]) -> None:
    assert two.platform.notify is not None
    url = two.platform.notify.url
    assert httpx.delete(url + "/v1/reports/schedule").status_code == 401
    for token in (expired_token(dev_keys, two.a.id, "boss"), tampered(two.b.admin_token, two.a.id)):
        assert client(url, token).delete("/v1/reports/schedule").status_code == 401
    _, initial = add_user(two.platform, two.a.admin_token, "dave", "Dave Dean", change=False)
    r = client(url, initial).get("/v1/users/me/pager")
    assert r.status_code == 403 and "change your password" in r.text
    _a_as_it_was(two)
