"""The directory's REST API as people use it, against a real process, nats-server and store."""

from __future__ import annotations

import uuid

import pytest
from smartnumbers_contracts import presence as presence_wire
from smartnumbers_kit.devdirectory import publish

from services.presence.tests.e2e import BusWatcher, eventually

from .e2e import client, create_organisation, new_user, signed_in, smartnumber


@pytest.fixture
def org():
    return f"org-{uuid.uuid4().hex[:8]}"


async def test_story_an_admin_creates_a_user_who_must_change_the_initial_password(service, nats_server, org):
    async with BusWatcher(nats_server.url, "directory.>") as bus:
        # 1. The organisation and its first administrator exist (the admin CLI); she signs in.
        boss_number = create_organisation(service, org, "boss")
        first = await signed_in(service, boss_number, "739182")
        assert first["must_change_password"] is True and first["refresh_token"] is None
        # 2. The initial password's token only lets her change the password.
        async with client(service, first["access_token"]) as boss:
            r = await boss.get("/v1/users/me")
            assert r.status_code == 403 and "change your password first" in r.json()["detail"]
            r = await boss.put(
                "/v1/users/me/password",
                json={"old_password": "739182", "new_password": "828374", "confirm_password": "828374"},
            )
            assert r.status_code == 200, r.text
            tokens = r.json()
        assert tokens["must_change_password"] is False and tokens["refresh_token"]
        # 3. With a full token she creates Alice, with a smartnumber in national format.
        alice_number = smartnumber()
        national = "0" + alice_number[3:]
        async with client(service, tokens["access_token"]) as boss:
            created = await new_user(
                boss, "alice", first_name="Alice", last_name="Archer", smartnumber=national
            )
        assert created["profile"]["smartnumber"] == alice_number
        assert "password" not in str(created).replace("must_change_password", "")
        event = await bus.next_matching("directory.user.created.v1", organisation_id=org, user_id="alice")
        assert event["profile"]["smartnumber"] == alice_number and "739182" not in str(event)
        # 4. Alice signs in with the initial password, must change it, then gets a session.
        alice_first = await signed_in(service, national, "739182")
        async with client(service, alice_first["access_token"]) as alice:
            r = await alice.put(
                "/v1/users/me/password",
                json={"old_password": "739182", "new_password": "0123456", "confirm_password": "0123456"},
            )
            assert r.status_code == 422 and "cannot begin with zero" in r.text
            r = await alice.put(
                "/v1/users/me/password",
                json={"old_password": "739182", "new_password": "919283", "confirm_password": "919283"},
            )
            assert r.status_code == 200
        alice_tokens = await signed_in(service, alice_number, "919283")
        assert alice_tokens["must_change_password"] is False
        # 5. Refresh works until she logs out.
        async with client(service) as anonymous:
            r = await anonymous.post(
                "/v1/sessions/refresh", json={"refresh_token": alice_tokens["refresh_token"]}
            )
            assert r.status_code == 200
            async with client(service, r.json()["access_token"]) as alice:
                assert (await alice.get("/v1/users/me")).json()["profile"]["first_name"] == "Alice"
                r = await alice.post(
                    "/v1/sessions/logout", json={"refresh_token": alice_tokens["refresh_token"]}
                )
                assert r.status_code == 204
            r = await anonymous.post(
                "/v1/sessions/refresh", json={"refresh_token": alice_tokens["refresh_token"]}
            )
            assert r.status_code == 401


async def test_five_wrong_passwords_on_web_and_phone_lock_the_account(service, nats_server, mint, org):
    number = create_organisation(service, org, "boss")
    async with (
        client(service) as web,
        client(service, mint("gateway", org, "service")) as gateway,
        BusWatcher(nats_server.url, "directory.>") as bus,
    ):
        for _ in range(3):
            r = await web.post("/v1/sessions", json={"number": number, "password": "111111"})
            assert r.status_code == 401 and r.json()["detail"] == "wrong number or password"
        for _ in range(2):
            r = await gateway.post("/v1/service/pin-checks", json={"mailbox_number": number, "pin": "222222"})
            assert r.json()["valid"] is False
        locked = await bus.next_matching("directory.user.locked.v1", organisation_id=org, user_id="boss")
        assert locked["failures"] == 5
        r = await web.post("/v1/sessions", json={"number": number, "password": "739182"})
        assert r.status_code == 423 and "locked until" in r.json()["detail"]
        r = await gateway.post("/v1/service/pin-checks", json={"mailbox_number": number, "pin": "739182"})
        assert r.status_code == 423
    async with client(service, mint("alice", org)) as user:
        r = await user.post("/v1/service/pin-checks", json={"mailbox_number": number, "pin": "739182"})
        assert r.status_code == 403


async def test_a_clashing_number_is_a_409_and_creates_nothing(service, mint, org):
    create_organisation(service, org, "boss")
    taken = smartnumber()
    async with client(service, mint("boss", org, "admin")) as boss:
        await new_user(boss, "alice", smartnumber=taken)
        r = await boss.post(
            "/v1/users",
            json={
                "user_id": "bob",
                "display_name": "Bob",
                "smartnumber": taken,
                "initial_password": "739182",
            },
        )
        assert r.status_code == 409 and "already in use" in r.json()["detail"]
        assert (await boss.get("/v1/users/bob")).status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/v1/users", {"user_id": "x", "display_name": "X", "initial_password": "12"}, "at least 6 digits"),
        ("/v1/users", {"user_id": "x", "display_name": "X", "initial_password": "abcdef"}, "digits only"),
        (
            "/v1/users",
            {"user_id": "x", "display_name": "X", "initial_password": "739182", "smartnumber": "12"},
            "smartnumber '12'",
        ),
        ("/v1/users", {"user_id": "no spaces", "display_name": "X", "initial_password": "739182"}, "user_id"),
        ("/v1/contacts", {"first_name": "No last name"}, "last_name"),
        (
            "/v1/contacts",
            {"last_name": "X", "viewable_by": "private", "editable_by": "staff"},
            "wider than viewable",
        ),
        ("/v1/contacts", {"last_name": "X", "numbers": {"pager": ["07700 900001"]}}, "pager"),
        ("/v1/groups", {"name": "G", "members": ["robot:1"]}, "user:<id>"),
        ("/v1/teams", {"team_id": "t", "kind": "team", "name": "T", "members": ["ghost"]}, "'ghost'"),
    ],
)
async def test_bad_input_gets_a_clear_4xx_and_changes_nothing(service, mint, org, path, body, message):
    create_organisation(service, org, "boss")
    async with client(service, mint("boss", org, "admin")) as boss:
        before = (await boss.get("/v1/contacts")).json()
        r = await boss.post(path, json=body)
        assert 400 <= r.status_code < 500 and message in r.text, r.text
        assert "Traceback" not in r.text
        assert (await boss.get("/v1/users/x")).status_code == 404
        assert (await boss.get("/v1/contacts")).json() == before


async def test_search_shows_live_presence_and_group_sms_goes_on_the_bus(service, nats_server, mint, org):
    create_organisation(service, org, "boss")
    async with (
        client(service, mint("boss", org, "admin")) as boss,
        BusWatcher(nats_server.url, "notify.>") as bus,
    ):
        await new_user(boss, "alice", first_name="Alice", last_name="Åkesson", sms_number="07700 900111")
        await publish(
            nats_server.url,
            presence_wire.LocationChanged(
                event_id=uuid.uuid4(),
                organisation_id=org,
                occurred_at="2026-01-05T09:00:00Z",
                user_id="alice",
                location="mobile",
                number="+447700900111",
                previous_location="none",
                cause="selected",
            ),
        )
        r = await eventually(
            lambda: boss.get("/v1/search", params={"q": "akes"}),
            lambda r: r.json() and r.json()[0]["location"] == "mobile",
        )
        assert r.json()[0]["id"] == "alice" and r.json()[0]["match"] == "prefix"
        group = (
            await boss.post("/v1/groups", json={"name": "Drill", "members": ["user:alice", "user:boss"]})
        ).json()
        r = await boss.post(f"/v1/groups/{group['id']}/sms", json={"text": "Fire drill at 3"})
        assert r.status_code == 202 and r.json()["recipients"] == 1
        sms = await bus.next_matching("notify.sms.send.v1", organisation_id=org)
        assert (sms["to"], sms["text"], sms["requested_by"]) == ("+447700900111", "Fire drill at 3", "boss")


async def test_operational_endpoints_and_jwks_need_no_token_and_the_rest_does(service):
    async with client(service) as anonymous:
        assert (await anonymous.get("/healthz")).status_code == 200
        assert (await anonymous.get("/readyz")).json()["ready"] is True
        keys = (await anonymous.get("/.well-known/jwks.json")).json()["keys"]
        assert keys[0]["kty"] == "OKP" and keys[0]["crv"] == "Ed25519" and "d" not in keys[0]
        for path in (
            "/v1/search?q=a",
            "/v1/contacts",
            "/v1/users/me",
            "/v1/address-book",
            "/v1/organisation",
        ):
            assert (await anonymous.get(path)).status_code == 401, path


async def test_the_gateway_changes_a_password_after_pin_login_and_an_admin_resets_one(service, mint, org):
    number = create_organisation(service, org, "boss")
    async with client(service, mint("gateway", org, "service")) as gateway:
        # §3.2.2: on the phone, after the PIN, the new password twice (no old one).
        r = await gateway.put(
            "/v1/users/boss/password", json={"new_password": "646372", "confirm_password": "646372"}
        )
        assert r.status_code == 200, r.text
        r = await gateway.post("/v1/service/pin-checks", json={"mailbox_number": number, "pin": "646372"})
        assert r.json() == {"valid": True, "user_id": "boss"}
    assert (await signed_in(service, number, "646372"))["must_change_password"] is False
    async with client(service, mint("boss", org, "admin")) as boss:
        await new_user(boss, "alice", smartnumber=(alice_number := smartnumber()))
        r = await boss.post("/v1/users/alice/password-reset", json={"initial_password": "535261"})
        assert r.status_code == 204
    assert (await signed_in(service, alice_number, "535261"))["must_change_password"] is True
    async with client(service, mint("alice", org)) as alice:
        r = await alice.put(
            "/v1/users/boss/password",
            json={"old_password": "646372", "new_password": "747382", "confirm_password": "747382"},
        )
        assert r.status_code == 403 and "only your own password" in r.json()["detail"]


async def test_address_book_lists_private_contacts_and_organisation_settings(service, mint, org):
    create_organisation(service, org, "boss")
    async with client(service, mint("boss", org, "admin")) as boss:
        await new_user(boss, "alice")
        r = await boss.put(
            "/v1/organisation", json={"name": "Renamed", "default_country": "GB", "password_min_length": 8}
        )
        assert r.status_code == 200
        r = await boss.post(
            "/v1/users", json={"user_id": "bob", "display_name": "Bob", "initial_password": "739182"}
        )
        assert r.status_code == 422 and "at least 8 digits" in r.json()["detail"]
    async with client(service, mint("alice", org)) as alice:
        assert (
            await alice.put("/v1/organisation", json={"name": "Mine", "default_country": "GB"})
        ).status_code == 403
        mine = (
            await alice.post(
                "/v1/contacts",
                json={"last_name": "Secret", "viewable_by": "private", "editable_by": "private"},
            )
        ).json()["id"]
        shared = (await alice.post("/v1/contacts", json={"last_name": "Shared"})).json()["id"]
        for entry in (f"contact:{mine}", f"contact:{shared}", "user:boss"):
            assert (await alice.post("/v1/address-book/vips", json={"entry": entry})).status_code == 200
        book = (await alice.delete(f"/v1/address-book/vips/contact:{shared}")).json()
        assert book["vips"] == [f"contact:{mine}", "user:boss"] and book["private"] == [mine]
        r = await alice.post("/v1/address-book/call_list", json={"entry": "contact:nope"})
        assert r.status_code == 404
        assert (await alice.delete("/v1/address-book/vips")).json()["vips"] == []


async def test_each_address_book_list_reads_as_names_numbers_and_presence(service, mint, org):
    """§4: the Phone Book, VIPs, Call List and Private pages read one list each, resolved."""
    create_organisation(service, org, "boss")
    async with client(service, mint("boss", org, "admin")) as boss:
        await new_user(boss, "alice")
        await new_user(boss, "bob")
    async with client(service, mint("alice", org)) as alice:
        mine = (
            await alice.post(
                "/v1/contacts",
                json={
                    "last_name": "Secret",
                    "numbers": {"mobile": ["07700 900777"]},
                    "viewable_by": "private",
                    "editable_by": "private",
                },
            )
        ).json()["id"]
        shared = (await alice.post("/v1/contacts", json={"first_name": "Sam", "last_name": "Shared"})).json()
        for entry in (f"contact:{shared['id']}", "user:boss", f"contact:{mine}"):
            assert (await alice.post("/v1/address-book/phone_book", json={"entry": entry})).status_code == 200
        book = (await alice.get("/v1/address-book/phone_book/entries")).json()
        assert [(r["kind"], r["display_name"]) for r in book] == [
            ("contact", "Sam Shared"),
            ("user", "Boss"),
            ("contact", "Secret"),
        ]
        assert book[2]["numbers"] == ["+447700900777"] and book[1]["location"] == "none"
        private = (await alice.get("/v1/address-book/private/entries")).json()
        assert [r["id"] for r in private] == [mine]
        assert (await alice.get("/v1/address-book/call_list/entries")).json() == []
        assert (await alice.get("/v1/address-book/groups/entries")).status_code == 422
    async with client(service, mint("bob", org)) as bob:
        assert (await bob.get("/v1/address-book/phone_book/entries")).json() == []  # his own, empty
        assert (await bob.get("/v1/address-book/private/entries")).json() == []
        assert (await bob.delete(f"/v1/contacts/{shared['id']}")).status_code == 204  # Staff may edit
    async with client(service, mint("alice", org)) as alice:
        book = (await alice.get("/v1/address-book/phone_book/entries")).json()
        assert [r["display_name"] for r in book] == ["Boss", "Secret"]  # the deleted contact drops out


async def test_only_its_owner_changes_who_may_view_or_edit_a_contact(service, mint, org):
    """§4.1.1: a colleague may edit a Staff contact, but Viewable by / Editable by stay its owner's."""
    create_organisation(service, org, "boss")
    async with client(service, mint("boss", org, "admin")) as boss:
        await new_user(boss, "alice")
        await new_user(boss, "bob")
    async with client(service, mint("alice", org)) as alice:
        shared = (await alice.post("/v1/contacts", json={"last_name": "Shared"})).json()["id"]
    async with client(service, mint("bob", org)) as bob:
        for settings in ({"viewable_by": "private", "editable_by": "private"}, {"editable_by": "public"}):
            body = {"last_name": "Mine now", "viewable_by": "staff", **settings}
            r = await bob.put(f"/v1/contacts/{shared}", json=body)
            assert r.status_code == 403 and "only its owner" in r.json()["detail"], r.text
        r = await bob.put(f"/v1/contacts/{shared}", json={"last_name": "Shared", "job_title": "Buyer"})
        assert r.status_code == 200 and r.json()["details"]["job_title"] == "Buyer"
    async with client(service, mint("alice", org)) as alice:
        details = (await alice.get(f"/v1/contacts/{shared}")).json()["details"]
        assert (details["last_name"], details["viewable_by"], details["editable_by"]) == (
            "Shared",
            "staff",
            "staff",
        )
        r = await alice.put(
            f"/v1/contacts/{shared}",
            json={"last_name": "Shared", "viewable_by": "private", "editable_by": "private"},
        )
        assert r.status_code == 200 and r.json()["details"]["viewable_by"] == "private"


async def test_only_its_owner_changes_who_may_view_or_edit_a_group(service, mint, org):
    """§4.5.1: a colleague (even the group's administrator) may edit a Staff group, but its
    Viewable by / Editable by stay its owner's."""
    create_organisation(service, org, "boss")
    async with client(service, mint("boss", org, "admin")) as boss:
        await new_user(boss, "alice")
        await new_user(boss, "bob")
    async with client(service, mint("alice", org)) as alice:
        r = await alice.post("/v1/groups", json={"name": "Buyers", "administrator_id": "bob"})
        assert r.status_code == 201, r.text
        group = r.json()["id"]
    async with client(service, mint("bob", org)) as bob:
        for settings in ({"viewable_by": "private", "editable_by": "private"}, {"editable_by": "public"}):
            body = {"name": "Mine now", "administrator_id": "bob", "viewable_by": "staff", **settings}
            r = await bob.put(f"/v1/groups/{group}", json=body)
            assert r.status_code == 403 and "only its owner" in r.json()["detail"], r.text
        r = await bob.put(
            f"/v1/groups/{group}",
            json={"name": "Buyers", "administrator_id": "bob", "related_information": "Weekly"},
        )
        assert r.status_code == 200 and r.json()["details"]["related_information"] == "Weekly", r.text
    async with client(service, mint("alice", org)) as alice:
        details = (await alice.get(f"/v1/groups/{group}")).json()["details"]
        assert (details["name"], details["viewable_by"], details["editable_by"]) == (
            "Buyers",
            "staff",
            "staff",
        )
        r = await alice.put(
            f"/v1/groups/{group}",
            json={
                "name": "Buyers",
                "administrator_id": "bob",
                "viewable_by": "private",
                "editable_by": "private",
            },
        )
        assert r.status_code == 200 and r.json()["details"]["viewable_by"] == "private", r.text


def test_the_admin_cli_refuses_what_the_api_would_refuse(service, org):
    import os
    import subprocess
    import sys

    def cli(org_id: str, password: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "smartnumbers_directory.admin_cli",
                "create-organisation",
                "--org",
                org_id,
                "--name",
                "Again",
                "--admin",
                "boss",
                "--admin-password",
                password,
            ],
            env={**os.environ, **service.env},
            capture_output=True,
            text=True,
        )

    create_organisation(service, org, "boss")
    again = cli(org, "739182")
    assert again.returncode != 0 and f"refused: the organisation {org!r} already exists" in again.stderr
    bad = cli(f"{org}-new", "012345")
    assert bad.returncode != 0 and "refused: a password cannot begin with zero" in bad.stderr
    assert cli(f"{org}-new", "739182").returncode == 0  # nothing of the refused attempt was left behind


async def test_an_administrator_sets_which_kinds_of_number_may_be_a_location(service, nats_server, mint, org):
    """Toll fraud: the organisation's location policy is the directory's, changed by an
    administrator and published for presence to enforce (premium-rate refused by default)."""
    create_organisation(service, org, "boss")
    settings = {"name": "Acme", "default_country": "GB"}
    async with (
        client(service, mint("boss", org, "admin")) as boss,
        client(service, mint("alice", org)) as alice,
        BusWatcher(nats_server.url, "directory.organisation.>") as bus,
    ):
        # 1. The default refuses premium-rate and special-rate numbers.
        seen = (await boss.get("/v1/organisation")).json()
        assert seen["location_number_kinds"] == ["national", "mobile", "international", "unknown"]
        # 2. The administrator allows premium-rate numbers too; presence hears of it.
        kinds = ["national", "mobile", "premium"]
        r = await boss.put("/v1/organisation", json={**settings, "location_number_kinds": kinds})
        assert r.status_code == 200 and r.json()["location_number_kinds"] == kinds
        event = await bus.next_matching(
            "directory.organisation.location_policy_changed.v1", organisation_id=org
        )
        assert event["allowed"] == kinds
        # 3. Other settings leave the policy be; nothing allowed, or an unknown kind, is refused.
        r = await boss.put("/v1/organisation", json={**settings, "password_min_length": 7})
        assert r.json()["location_number_kinds"] == kinds
        r = await boss.put("/v1/organisation", json={**settings, "location_number_kinds": []})
        assert r.status_code == 422 and "at least one kind" in r.json()["detail"]
        r = await boss.put("/v1/organisation", json={**settings, "location_number_kinds": ["cheap"]})
        assert r.status_code == 422
        assert (await boss.get("/v1/organisation")).json()["location_number_kinds"] == kinds
        # 4. A user may read the policy but not change it.
        assert (await alice.get("/v1/organisation")).json()["location_number_kinds"] == kinds
        r = await alice.put("/v1/organisation", json={**settings, "location_number_kinds": ["premium"]})
        assert r.status_code == 403
