"""The directory's rules, without a store (user guide §2.1.1, §3.2, §4.1, §4.5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from smartnumbers_directory.domain.contact import Contact
from smartnumbers_directory.domain.group import Group, check_no_cycle
from smartnumbers_directory.domain.number_claim import NumberClaim
from smartnumbers_directory.domain.password import AccountLocked, check_rules
from smartnumbers_directory.domain.user import Role, User
from smartnumbers_directory.domain.visibility import can_edit, can_view
from smartnumbers_kit.errors import Conflict, Forbidden, Invalid

from .conftest import FAST_HASHER

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Reader:
    user_id: str
    organisation_id: str = "acme"
    role: str = "user"


def alice(password: str = "739182") -> User:
    return User.register(
        "acme",
        "alice",
        {"display_name": "Alice", "smartnumber": "+441632960001", "mailbox_number": "+441632960101"},
        Role.USER,
        password,
        hasher=FAST_HASHER,
        min_length=6,
    )


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("12a456", "digits only"),
        ("０１２３４５６", "digits only"),
        ("073918", "cannot begin with zero"),
        ("73918", "at least 6 digits"),
        ("516329", "run of 4 or more digits"),  # 1632 from the smartnumber
        ("796010", "run of 4 or more digits"),  # 6010 from the mailbox number
    ],
)
def test_a_password_breaking_a_rule_is_refused_with_the_rule(password, reason):
    with pytest.raises(Invalid, match=reason):
        check_rules(password, min_length=6, own_numbers=["+441632960001", "+441632960101"])


def test_three_digits_of_the_number_are_not_a_run():
    check_rules("916382", min_length=6, own_numbers=["+441632960001"])


def test_the_new_password_cannot_be_one_of_the_last_three():
    user = alice("739182")
    user.change_password("828374", hasher=FAST_HASHER, min_length=6)
    user.change_password("919283", hasher=FAST_HASHER, min_length=6)
    with pytest.raises(Invalid, match="last 3"):
        user.change_password("739182", hasher=FAST_HASHER, min_length=6)
    user.change_password("747586", hasher=FAST_HASHER, min_length=6)
    user.change_password("739182", hasher=FAST_HASHER, min_length=6)  # four back: allowed again
    assert user.must_change_password is False


def test_the_initial_password_must_be_changed_and_is_never_kept_in_clear():
    user = alice("739182")
    assert user.must_change_password
    assert "739182" not in repr(user.__dict__)


def test_five_wrong_passwords_lock_for_a_growing_delay_and_a_right_one_resets():
    user = alice()
    for _ in range(4):
        assert user.sign_in("111111", hasher=FAST_HASHER, now=NOW) is False
    assert user.locked_until is None
    assert user.sign_in("111111", hasher=FAST_HASHER, now=NOW) is False
    assert datetime.fromisoformat(user.locked_until) == NOW + timedelta(minutes=1)
    with pytest.raises(AccountLocked, match="locked until"):
        user.sign_in("739182", hasher=FAST_HASHER, now=NOW + timedelta(seconds=59))
    later = NOW + timedelta(minutes=2)
    for _ in range(5):
        user.sign_in("111111", hasher=FAST_HASHER, now=later)
    assert datetime.fromisoformat(user.locked_until) == later + timedelta(minutes=2)
    assert user.sign_in("739182", hasher=FAST_HASHER, now=later + timedelta(minutes=3)) is True
    assert (user.failures, user.locks, user.locked_until) == (0, 0, None)


def test_a_number_has_one_holder_on_the_whole_platform():
    claim = NumberClaim(number="+441632960001")
    claim.claim("acme", "user", "alice", "smartnumber")
    claim.claim("acme", "user", "alice", "smartnumber")
    with pytest.raises(Conflict, match="already in use"):
        claim.claim("bolt", "user", "bob", "smartnumber")
    claim.release()
    claim.claim("bolt", "user", "bob", "mailbox_number")


def test_a_contact_needs_a_last_name_and_its_display_name_defaults_to_first_and_last():
    with pytest.raises(Invalid, match="last name"):
        Contact.add("acme", "c1", "alice", {"first_name": "Zoë"})
    contact = Contact.add("acme", "c1", "alice", {"first_name": "Zoë", "last_name": "Smith"})
    assert contact.display_name == "Zoë Smith"
    assert (contact.viewable_by, contact.editable_by) == ("staff", "staff")
    with pytest.raises(Invalid, match="wider than viewable"):
        Contact.add(
            "acme", "c2", "alice", {"last_name": "X", "viewable_by": "private", "editable_by": "staff"}
        )


MATRIX = {
    # (viewable_by, editable_by): who may (see, edit) — owner, colleague, admin, other org, public token
    ("private", "private"): {
        "owner": (1, 1),
        "colleague": (0, 0),
        "admin": (0, 0),
        "other": (0, 0),
        "public": (0, 0),
    },
    ("staff", "private"): {
        "owner": (1, 1),
        "colleague": (1, 0),
        "admin": (1, 0),
        "other": (0, 0),
        "public": (0, 0),
    },
    ("staff", "staff"): {
        "owner": (1, 1),
        "colleague": (1, 1),
        "admin": (1, 1),
        "other": (0, 0),
        "public": (0, 0),
    },
    ("public", "private"): {
        "owner": (1, 1),
        "colleague": (1, 0),
        "admin": (1, 0),
        "other": (0, 0),
        "public": (1, 0),
    },
    ("public", "staff"): {
        "owner": (1, 1),
        "colleague": (1, 1),
        "admin": (1, 1),
        "other": (0, 0),
        "public": (1, 0),
    },
    ("public", "public"): {
        "owner": (1, 1),
        "colleague": (1, 1),
        "admin": (1, 1),
        "other": (0, 0),
        "public": (1, 1),
    },
}
READERS = {
    "owner": Reader("alice"),
    "colleague": Reader("bob"),
    "admin": Reader("boss", role="admin"),
    "other": Reader("alice", organisation_id="bolt"),
    "public": Reader("public", role="public"),
}


@pytest.mark.parametrize("kind", ["contact", "group"])
@pytest.mark.parametrize("settings", sorted(MATRIX))
def test_access_matrix_of_contacts_and_groups(settings, kind):
    viewable, editable = settings
    item = (
        Contact.add(
            "acme", "c1", "alice", {"last_name": "Smith", "viewable_by": viewable, "editable_by": editable}
        )
        if kind == "contact"
        else Group.create(
            "acme", "g1", "alice", {"name": "Team", "viewable_by": viewable, "editable_by": editable}
        )
    )
    seen = {who: (int(can_view(item, r)), int(can_edit(item, r))) for who, r in READERS.items()}
    assert seen == MATRIX[settings]


def test_a_group_cannot_become_a_member_of_itself_through_nesting():
    parents = {"b": ["c"], "c": ["a"]}
    with pytest.raises(Invalid, match="member of itself"):
        check_no_cycle("a", ["b"], lambda g: parents.get(g, []))
    check_no_cycle("a", ["c"], lambda g: {"c": []}.get(g, []))


def test_only_the_leader_the_administrator_or_an_editor_sends_an_sms_to_a_group():
    group = Group.create(
        "acme",
        "g1",
        "alice",
        {
            "name": "Sales",
            "leader_id": "lee",
            "administrator_id": "ada",
            "viewable_by": "staff",
            "editable_by": "private",
        },
    )
    with pytest.raises(Forbidden, match="leader"):
        group.send_sms("hello", ["+447700900001"], Reader("bob"))
    for sender in ("lee", "ada", "alice"):
        group.send_sms("hello", ["+447700900001", "+447700900001"], Reader(sender))
    assert group.details["leader_id"] == "lee"
    with pytest.raises(Invalid, match="no member"):
        group.send_sms("hello", [], Reader("lee"))
