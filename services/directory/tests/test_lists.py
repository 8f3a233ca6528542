"""Lists of users, teams and groups (§4, §4.5): what an administrator made, and the directory users browse.

Against a real directory process and nats-server, with two organisations that share user
and team ids, so a list that leaked across organisations would show it.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from .e2e import client, create_organisation, smartnumber

PEOPLE = [  # user id, first and last name
    ("alice", "Alice", "Archer"),
    ("bob", "Bob", "Baker"),
    ("zoe", "Zoë", "Ångström"),
    ("carl", "Carl", "Ärcher"),
]


def _created(admin: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    r = admin.post(path, json=body)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture(scope="module")
def orgs(service, mint):
    """Acme (four users, a team and a queue, groups) and Other (one user `alice`, a team `sales`)."""
    acme, other = f"acme-{uuid.uuid4().hex[:6]}", f"other-{uuid.uuid4().hex[:6]}"
    numbers = {}
    create_organisation(service, acme, "boss")
    create_organisation(service, other, "mallory")
    with httpx.Client(
        base_url=service.url, headers={"Authorization": f"Bearer {mint('boss', acme, 'admin')}"}
    ) as a:
        for user_id, first, last in PEOPLE:
            numbers[user_id] = smartnumber()
            _created(
                a,
                "/v1/users",
                {
                    "user_id": user_id,
                    "first_name": first,
                    "last_name": last,
                    "display_name": f"{first} {last}",
                    "smartnumber": numbers[user_id],
                    "initial_password": "739182",
                },
            )
        _created(
            a, "/v1/teams", {"team_id": "sales", "kind": "team", "name": "Sales", "members": ["alice", "bob"]}
        )
        _created(
            a, "/v1/teams", {"team_id": "help", "kind": "queue", "name": "Help desk", "members": ["zoe"]}
        )
    with httpx.Client(
        base_url=service.url, headers={"Authorization": f"Bearer {mint('mallory', other, 'admin')}"}
    ) as o:
        _created(
            o, "/v1/users", {"user_id": "alice", "display_name": "Alice Other", "initial_password": "739182"}
        )
        _created(
            o, "/v1/teams", {"team_id": "sales", "kind": "team", "name": "Other sales", "members": ["alice"]}
        )
        _created(o, "/v1/groups", {"name": "Other friends", "members": ["user:alice"]})
    with httpx.Client(
        base_url=service.url, headers={"Authorization": f"Bearer {mint('alice', acme)}"}
    ) as alice:
        _created(alice, "/v1/groups", {"name": "Archers", "members": ["user:alice", "user:carl"]})
        _created(
            alice,
            "/v1/groups",
            {
                "name": "Alice's own",
                "members": ["user:bob"],
                "viewable_by": "private",
                "editable_by": "private",
            },
        )
    with httpx.Client(base_url=service.url, headers={"Authorization": f"Bearer {mint('bob', acme)}"}) as bob:
        _created(
            bob,
            "/v1/groups",
            {"name": "Bob's secret", "members": [], "viewable_by": "private", "editable_by": "private"},
        )
    return acme, other, numbers


async def listed(service, token: str, path: str, **params: Any) -> dict[str, Any]:
    async with client(service, token) as c:
        r = await c.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


async def test_story_an_administrator_lists_the_users_she_made_by_name_number_and_team(service, mint, orgs):
    acme, _, numbers = orgs
    boss = mint("boss", acme, "admin")
    # 1. Everyone, sorted by name (accents and case folded), with the total and her own role shown.
    page = await listed(service, boss, "/v1/users")
    assert [u["user_id"] for u in page["items"]] == ["alice", "bob", "boss", "carl", "zoe"]
    assert page["total"] == 5 and page["offset"] == 0 and page["limit"] == 50
    alice = page["items"][0]
    assert alice["smartnumber"] == numbers["alice"] and alice["teams"] == ["sales"]
    assert alice["role"] == "user" and page["items"][2]["role"] == "admin"
    assert alice["location"] == "none" and alice["availability"] == "available"
    # 2. By any part of a name, any case or accent: "ARCH" finds Archer and Ärcher.
    page = await listed(service, boss, "/v1/users", name="ARCH")
    assert [u["user_id"] for u in page["items"]] == ["alice", "carl"] and page["total"] == 2
    # 3. By a number in national format.
    national = "0" + numbers["zoe"][3:]
    assert [u["user_id"] for u in (await listed(service, boss, "/v1/users", number=national))["items"]] == [
        "zoe"
    ]
    # 4. By team; a queue counts as a team.
    assert [u["user_id"] for u in (await listed(service, boss, "/v1/users", team="sales"))["items"]] == [
        "alice",
        "bob",
    ]
    assert [u["user_id"] for u in (await listed(service, boss, "/v1/users", team="help"))["items"]] == ["zoe"]
    # 5. Sorted backwards, by number, and paged: the total counts every page.
    page = await listed(service, boss, "/v1/users", sort="-name", offset=1, limit=2)
    assert [u["user_id"] for u in page["items"]] == ["carl", "boss"] and page["total"] == 5
    by_number = (await listed(service, boss, "/v1/users", sort="number"))["items"]
    assert [u["smartnumber"] for u in by_number] == sorted(u["smartnumber"] for u in by_number)
    # 6. A role she changes shows at once.
    async with client(service, boss) as c:
        assert (await c.patch("/v1/users/carl", json={"role": "admin"})).status_code == 200
    admins = [
        u["user_id"] for u in (await listed(service, boss, "/v1/users"))["items"] if u["role"] == "admin"
    ]
    assert admins == ["boss", "carl"]


async def test_users_browse_the_same_directory_without_roles(service, mint, orgs):
    acme, _, _ = orgs
    page = await listed(service, mint("bob", acme), "/v1/users", team="sales")
    assert [u["user_id"] for u in page["items"]] == ["alice", "bob"]
    assert {u["role"] for u in page["items"]} == {None}


async def test_teams_and_queues_are_listed_with_member_counts(service, mint, orgs):
    acme, _, _ = orgs
    page = await listed(service, mint("bob", acme), "/v1/teams", sort="-members")
    assert [(t["team_id"], t["member_count"], t["kind"]) for t in page["items"]] == [
        ("sales", 2, "team"),
        ("help", 1, "queue"),
    ]
    assert page["items"][0]["members"] == ["alice", "bob"] and page["total"] == 2
    queues = await listed(service, mint("boss", acme, "admin"), "/v1/teams", kind="queue")
    assert [t["name"] for t in queues["items"]] == ["Help desk"]


async def test_groups_are_listed_as_each_group_allows(service, mint, orgs):
    acme, _, _ = orgs
    mine = await listed(service, mint("alice", acme), "/v1/groups")
    assert [(g["name"], g["member_count"]) for g in mine["items"]] == [("Alice's own", 1), ("Archers", 2)]
    # Bob's private group is his alone; Alice's private one is hers: the administrator sees neither.
    boss = await listed(service, mint("boss", acme, "admin"), "/v1/groups")
    assert [g["name"] for g in boss["items"]] == ["Archers"]
    bobs = await listed(service, mint("bob", acme), "/v1/groups", owner="me")
    assert [g["name"] for g in bobs["items"]] == ["Bob's secret"]


async def test_organisations_never_see_each_others_lists(service, mint, orgs):
    acme, other, _ = orgs
    mallory = mint("mallory", other, "admin")
    users = await listed(service, mallory, "/v1/users")
    assert [(u["user_id"], u["display_name"]) for u in users["items"]] == [
        ("alice", "Alice Other"),
        ("mallory", "Mallory"),
    ]
    teams = await listed(service, mallory, "/v1/teams")
    assert [(t["name"], t["members"]) for t in teams["items"]] == [("Other sales", ["alice"])]
    assert [g["name"] for g in (await listed(service, mallory, "/v1/groups"))["items"]] == ["Other friends"]
    acme_sales = await listed(service, mint("boss", acme, "admin"), "/v1/users", team="sales")
    assert "Alice Other" not in str(acme_sales)


@pytest.mark.parametrize(
    ("path", "params", "complaint"),
    [
        ("/v1/users", {"limit": 201}, "less than or equal to 200"),
        ("/v1/users", {"limit": 0}, "greater than or equal to 1"),
        ("/v1/users", {"offset": -1}, "greater than or equal to 0"),
        ("/v1/users", {"name": "x" * 101}, "at most 100"),
        ("/v1/users", {"number": "call me"}, "pattern"),
        ("/v1/users", {"sort": "password"}, "'name'"),
        ("/v1/teams", {"kind": "crowd"}, "'team' or 'queue'"),
        ("/v1/groups", {"limit": 1000}, "less than or equal to 200"),
    ],
)
async def test_pages_are_bounded_and_bad_filters_are_refused_with_a_message(
    service, mint, orgs, path, params, complaint
):
    acme, _, _ = orgs
    async with client(service, mint("boss", acme, "admin")) as c:
        r = await c.get(path, params=params)
    assert r.status_code == 422 and complaint in r.text, r.text


async def test_a_public_directory_token_cannot_list_users(service, mint, orgs):
    acme, _, _ = orgs
    async with client(service, mint("boss", acme, "admin")) as boss:
        public = (await boss.post("/v1/public-tokens")).json()["access_token"]
    async with client(service, public) as c:
        for path in ("/v1/users", "/v1/teams", "/v1/groups"):
            assert (await c.get(path)).status_code == 403
    async with client(service) as anonymous:
        assert (await anonymous.get("/v1/users")).status_code == 401
