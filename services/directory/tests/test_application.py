"""The directory's use cases against real stores: SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from smartnumbers_directory.application import DirectoryApplication
from smartnumbers_directory.domain.user import Role
from smartnumbers_directory.publishing import DirectoryContracts
from smartnumbers_kit.errors import Conflict, Forbidden, Invalid, NotFound

from .conftest import FAST_HASHER, as_user, organisation

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def published(app: DirectoryApplication) -> list[object]:
    to_contracts = DirectoryContracts(app)
    return [
        c
        for n in app.recorder.select_notifications(1, 10_000)
        for c in to_contracts(app.mapper.to_domain_event(n))
    ]


def test_smartnumbers_and_mailbox_numbers_are_unique_across_the_platform(directory):
    organisation(directory, "acme", "alice")
    organisation(directory, "bolt")
    directory.update_user("acme", "alice", {"smartnumber": "01632 960001", "mailbox_number": "01632 960101"})
    before = directory.recorder.max_notification_id()
    with pytest.raises(Conflict, match=r"\+441632960101 is already in use"):
        directory.create_user(
            "bolt", "bob", {"display_name": "Bob", "smartnumber": "+44 1632 960101"}, Role.USER, "739182"
        )
    assert directory.recorder.max_notification_id() == before  # nothing half-written
    with pytest.raises(NotFound):
        directory.user("bolt", "bob")
    # Alice gives up her mailbox number: now Bob may have it.
    directory.update_user("acme", "alice", {"mailbox_number": None})
    directory.create_user(
        "bolt", "bob", {"display_name": "Bob", "smartnumber": "+441632960101"}, Role.USER, "739182"
    )
    assert directory.holder_of("+441632960101")["organisation_id"] == "bolt"


def test_a_team_number_clashes_like_a_users(directory):
    organisation(directory, "acme", "alice")
    directory.update_user("acme", "alice", {"smartnumber": "01632 960001"})
    with pytest.raises(Conflict):
        directory.define_team(
            "acme",
            "sales",
            {
                "kind": "team",
                "name": "Sales",
                "smartnumber": "01632 960001",
                "members": ["alice"],
                "strategy": "in_order",
            },
            new=True,
        )
    with pytest.raises(NotFound):
        directory.team("acme", "sales")


def test_users_are_active_only_in_teams_they_belong_to_and_leave_them_when_removed(directory):
    organisation(directory, "acme", "alice", "bob")
    directory.define_team(
        "acme",
        "sales",
        {
            "kind": "queue",
            "name": "Sales",
            "members": ["alice"],
            "strategy": "round_robin",
            "max_wait_seconds": 120,
        },
        new=True,
    )
    with pytest.raises(Invalid, match="'bob' is not a member"):
        directory.set_active_teams("acme", "bob", ["sales"])
    directory.set_active_teams("acme", "alice", ["sales"])
    directory.define_team(
        "acme",
        "sales",
        {"kind": "queue", "name": "Sales", "members": ["bob"], "strategy": "round_robin"},
        new=False,
    )
    assert directory.user("acme", "alice").active_in == []
    subjects = [c.subject for c in published(directory)]
    assert subjects.count("directory.user.teams_changed.v1") == 2
    assert "directory.team.updated.v1" in subjects
    directory.remove_user("acme", "bob")
    assert directory.team("acme", "sales").members == []


def test_no_password_or_hash_ever_reaches_the_bus(directory):
    organisation(directory, "acme", "alice")
    directory.change_password("acme", "alice", "828374", "828374", old="739182", now=NOW)
    user = directory.user("acme", "alice")
    for contract in published(directory):
        text = contract.model_dump_json()
        assert "828374" not in text and "739182" not in text and "argon2" not in text
    assert user.password_hashes[-1].startswith("$argon2")


def test_changing_a_password_needs_the_old_one_and_the_new_one_twice(directory):
    organisation(directory, "acme", "alice")
    with pytest.raises(Invalid, match="not the same"):
        directory.change_password("acme", "alice", "828374", "828375", old="739182", now=NOW)
    with pytest.raises(Forbidden, match="old password is not right"):
        directory.change_password("acme", "alice", "828374", "828374", old="111111", now=NOW)
    assert directory.user("acme", "alice").failures == 1  # a wrong old password counts
    directory.change_password("acme", "alice", "828374", "828374", old="739182", now=NOW)
    assert directory.check_password("acme", "alice", "828374", NOW)
    assert not directory.user("acme", "alice").must_change_password


def test_lock_is_published_and_shared_by_web_and_phone(directory):
    organisation(directory, "acme", "alice")
    directory.update_user("acme", "alice", {"smartnumber": "01632 960001"})
    for _ in range(3):
        with pytest.raises(Exception, match="wrong number or password"):
            directory.sign_in("01632 960001", "111111", "GB", NOW)
    for _ in range(2):
        assert directory.check_password("acme", "alice", "222222", NOW) is False  # the phone's PIN check
    locked = [c for c in published(directory) if c.subject == "directory.user.locked.v1"]
    assert len(locked) == 1 and locked[0].failures == 5


def test_search_ranks_exact_before_prefix_before_partial_ignoring_case_and_accents(directory):
    organisation(directory, "acme", "alice")
    me = as_user("alice")
    for first, last in (("Ann", "Andersson"), ("Anna", "Berg"), ("Joanne", "Ng"), ("Zoë", "Ånström")):
        directory.add_contact(me, {"first_name": first, "last_name": last})
    found = directory.queries.search(me, "ANN")
    assert [(f.entry.display_name, f.match) for f in found] == [
        ("Ann Andersson", "exact"),
        ("Anna Berg", "prefix"),
        ("Joanne Ng", "partial"),
    ]
    assert [f.entry.display_name for f in directory.queries.search(me, "zoe anst")] == ["Zoë Ånström"]
    assert directory.queries.search(me, "nobody") == []


def test_search_by_number_in_any_format(directory):
    organisation(directory, "acme", "alice")
    me = as_user("alice")
    directory.add_contact(me, {"last_name": "Smith", "numbers": {"office": ["+44 1632 960555"]}})
    for typed in ("01632 960555", "+441632960555", "(01632) 960-555", "960555"):
        assert [f.entry.display_name for f in directory.queries.search(me, typed)] == ["Smith"], typed


def test_reverse_lookup_prefers_users_then_the_callees_own_contacts_then_shared_ones(directory):
    organisation(directory, "acme", "alice", "bob")
    alice, bob = as_user("alice"), as_user("bob")
    directory.add_contact(bob, {"last_name": "Shared", "numbers": {"mobile": ["07700 900555"]}})
    assert directory.queries.reverse_lookup(alice, "alice", "07700900555").entry.display_name == "Shared"
    directory.add_contact(
        alice,
        {
            "last_name": "Mine",
            "numbers": {"mobile": ["07700 900555"]},
            "viewable_by": "private",
            "editable_by": "private",
        },
    )
    assert directory.queries.reverse_lookup(alice, "alice", "07700900555").entry.display_name == "Mine"
    assert directory.queries.reverse_lookup(bob, "bob", "07700900555").entry.display_name == "Shared"
    directory.update_user("acme", "bob", {"sms_number": "07700 900555"})
    assert directory.queries.reverse_lookup(alice, "alice", "07700900555").entry.display_name == "Bob"
    assert directory.queries.reverse_lookup(alice, "alice", "07700900999") is None


def test_group_sms_reaches_every_member_through_nesting_once(directory):
    organisation(directory, "acme", "alice", "bob", "carol")
    alice = as_user("alice")
    c1 = directory.add_contact(alice, {"last_name": "One", "numbers": {"mobile": ["07700 900801"]}})
    c2 = directory.add_contact(alice, {"last_name": "Landline", "numbers": {"office": ["01632 960802"]}})
    hidden = directory.add_contact(
        as_user("carol"),
        {
            "last_name": "Hidden",
            "numbers": {"mobile": ["07700 900803"]},
            "viewable_by": "private",
            "editable_by": "private",
        },
    )
    directory.define_team(
        "acme",
        "ops",
        {"kind": "team", "name": "Ops", "members": ["bob", "carol"], "strategy": "all_at_once"},
        new=True,
    )
    parent = directory.create_group(alice, {"name": "All", "members": [f"contact:{c1}", "user:bob"]})
    child = directory.create_group(
        alice, {"name": "Ops people", "members": ["team:ops", f"contact:{c2}"], "member_of": [parent]}
    )
    with pytest.raises(Invalid, match="member of itself"):
        directory.change_group(alice, parent, {"name": "All", "members": [], "member_of": [child]})
    with pytest.raises(Invalid, match="no member"):
        directory.create_group(alice, {"name": "Sneaky", "members": [f"contact:{hidden}"]})
    recipients = directory.send_sms(alice, parent, "Fire drill at 3")
    bob, carol = (directory.user("acme", u).profile["sms_number"] for u in ("bob", "carol"))
    assert sorted(recipients) == sorted(["+447700900801", bob, carol])
    commands = [c for c in published(directory) if c.subject == "notify.sms.send.v1"]
    assert sorted(c.to for c in commands) == sorted(recipients)
    with pytest.raises(NotFound):  # a Staff group does not exist for a public token
        directory.send_sms(as_user("public", role="public"), parent, "hi")
    locked = directory.create_group(
        alice, {"name": "Mine", "members": ["user:bob"], "editable_by": "private"}
    )
    with pytest.raises(Forbidden, match="leader"):
        directory.send_sms(as_user("carol"), locked, "hi")


def test_vip_numbers_follow_the_vip_contact(directory):
    organisation(directory, "acme", "alice")
    alice = as_user("alice")
    cid = directory.add_contact(alice, {"last_name": "Vip", "numbers": {"mobile": ["07700 900901"]}})
    directory.add_to_list(alice, "vips", f"contact:{cid}")
    assert directory.address_book("acme", "alice").vip_numbers == ["+447700900901"]
    directory.change_contact(alice, cid, {"last_name": "Vip", "numbers": {"mobile": ["07700 900902"]}})
    assert directory.address_book("acme", "alice").vip_numbers == ["+447700900902"]
    directory.remove_from_list(alice, "vips", None)
    assert directory.address_book("acme", "alice").vip_numbers == []
    assert [c.vip_numbers for c in published(directory) if c.subject == "directory.user.vips_changed.v1"] == [
        ["+447700900901"],
        ["+447700900902"],
        [],
    ]


def test_the_read_side_is_rebuilt_from_the_store_at_start_up(directory):
    organisation(directory, "acme", "alice")
    directory.add_contact(
        as_user("alice"), {"last_name": "Persistent", "numbers": {"home": ["01632 960777"]}}
    )
    again = DirectoryApplication(directory.env, hasher=FAST_HASHER)
    try:
        assert (
            again.queries.reverse_lookup(as_user("alice"), "alice", "01632960777").entry.display_name
            == "Persistent"
        )
    finally:
        again.close()


def test_advanced_search_on_fields_when_the_box_finds_nothing(directory):
    organisation(directory, "acme", "alice")
    me = as_user("alice")
    directory.add_contact(
        me, {"first_name": "Ann", "last_name": "Lee", "company": "Globex", "department": "Sales"}
    )
    directory.add_contact(
        me, {"first_name": "Ann", "last_name": "Lee", "company": "Initech", "department": "Sales"}
    )
    found = directory.queries.advanced(me, {"last_name": "lee", "company": "globex"})
    assert [f.entry.fields["company"] for f in found] == ["Globex"]
    with pytest.raises(Invalid, match="advanced search fields"):
        directory.queries.advanced(me, {"shoe_size": "9"})
    with pytest.raises(Invalid, match="at least one field"):
        directory.queries.advanced(me, {})


def test_two_administrators_taking_one_number_at_once_leave_exactly_one_holder(directory):
    from concurrent.futures import ThreadPoolExecutor

    organisation(directory, "acme")
    organisation(directory, "bolt")

    def take(args: tuple[str, str]) -> str:
        org, user = args
        try:
            directory.create_user(
                org, user, {"display_name": user, "mailbox_number": "+441632960999"}, Role.USER, "739182"
            )
            return "created"
        except Conflict:
            return "conflict"

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(take, [("acme", "a1"), ("bolt", "b1"), ("acme", "a2"), ("bolt", "b2")]))
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "created"]
    holder = directory.holder_of("+441632960999")
    winner = directory.user(holder["organisation_id"], holder["id"])
    assert winner.profile["mailbox_number"] == "+441632960999"
    losers = [
        (o, u)
        for o, u in [("acme", "a1"), ("bolt", "b1"), ("acme", "a2"), ("bolt", "b2")]
        if u != holder["id"]
    ]
    for org, user in losers:
        with pytest.raises(NotFound):
            directory.user(org, user)


def test_only_users_of_the_organisation_add_contacts_and_groups(directory):
    organisation(directory, "acme", "alice")
    for reader in (as_user("public", role="public"), as_user("gateway", role="service")):
        with pytest.raises(Forbidden, match="only users"):
            directory.add_contact(reader, {"last_name": "X"})
        with pytest.raises(Forbidden, match="only users"):
            directory.create_group(reader, {"name": "G"})


def test_a_colleague_as_vip_keeps_their_current_numbers_on_the_vip_list(directory):
    organisation(directory, "acme", "alice", "bob")
    alice = as_user("alice")
    directory.add_to_list(alice, "vips", "user:bob")
    directory.update_user("acme", "bob", {"smartnumber": "01632 960444"})
    assert "+441632960444" in directory.address_book("acme", "alice").vip_numbers
    directory.remove_user("acme", "bob")
    assert directory.address_book("acme", "alice").vip_numbers == []


def test_a_private_group_is_seen_by_its_leader_and_administrator_and_by_nobody_else(directory):
    """§4.5: a group has a leader and an administrator; Private hides it from everyone else."""
    organisation(directory, "acme", "alice", "bob", "carol", "dave", "admin1")
    alice = as_user("alice")
    secret = directory.create_group(
        alice,
        {
            "name": "Board",
            "members": ["user:dave"],
            "leader_id": "bob",
            "administrator_id": "carol",
            "viewable_by": "private",
            "editable_by": "private",
        },
    )
    outer = directory.create_group(alice, {"name": "Everyone", "members": ["user:dave"]})
    directory.change_group(alice, secret, {**directory.group(alice, secret).details, "member_of": [outer]})
    # 1. The leader and the administrator see it, its members, and may send it an SMS.
    for keeper in ("bob", "carol"):
        assert directory.group(as_user(keeper), secret).details["name"] == "Board"
        assert directory.members(as_user(keeper), outer)[1] == [secret]
        assert directory.send_sms(as_user(keeper), secret, "Meeting at 5")
    # 2. Seeing is not editing: the owner alone edits a group editable by Private.
    with pytest.raises(Forbidden, match="not edit"):
        directory.change_group(as_user("bob"), secret, {"name": "Renamed"})
    # 3. Everyone else (an organisation administrator, a member) finds no such group.
    for other in (as_user("dave"), as_user("admin1", role="admin")):
        with pytest.raises(NotFound):
            directory.group(other, secret)
        assert directory.members(other, outer)[1] == []
