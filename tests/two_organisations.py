"""The attacker with two organisations: A and B, each with an administrator and an ordinary user,
on the real services of ``web.tests.stack.running_platform``.

Both administrators have the same user id (``boss``), as two organisations may: a check that
compares user ids and forgets the organisation lets one boss act as the other. Org A also has a
second user (``carol``) whose things its ordinary user (``alice``) must not reach either.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from smartnumbers_kit.testing import own_nats_server
from smartnumbers_kit.tokens import mint

from services.directory.tests.e2e import create_organisation
from web.tests.stack import (
    INITIAL,
    Person,
    Platform,
    change_password,
    running_platform,
    sign_in,
    smartnumber,
)


@dataclass
class Organisation:
    id: str
    admin: Person
    admin_token: str
    user: Person
    user_token: str

    def as_admin(self, base_url: str) -> httpx.Client:
        return client(base_url, self.admin_token)

    def as_user(self, base_url: str) -> httpx.Client:
        return client(base_url, self.user_token)


@dataclass
class TwoOrganisations:
    platform: Platform
    a: Organisation
    b: Organisation
    carol: Person
    """Org A's second ordinary user."""
    carol_token: str


def client(base_url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=15)


def add_user(
    platform: Platform, admin_token: str, user_id: str, display_name: str, *, change: bool = True
) -> tuple[Person, str]:
    """Made by the organisation's administrator; returns them and their token (password changed,
    unless ``change`` is false: then the token may only change the password)."""
    person = platform.new_user(user_id, display_name, admin_token=admin_token)
    token = sign_in(platform.directory.url, person.number, INITIAL)
    if not change:
        return person, token
    person.password = "846213"
    return person, change_password(platform.directory.url, token, INITIAL, person.password)


def second_organisation(platform: Platform) -> TwoOrganisations:
    """Org B beside the platform's org A, and an ordinary user in each (plus carol in A)."""
    alice, alice_token = add_user(platform, platform.admin_token, "alice", "Alice Archer")
    carol, carol_token = add_user(platform, platform.admin_token, "carol", "Carol Cook")
    a = Organisation(platform.org, platform.admin, platform.admin_token, alice, alice_token)
    b_id = f"orgb{uuid.uuid4().hex[:6]}"
    number = create_organisation(platform.directory, b_id, "boss")
    b_admin = Person("boss", "Boss", number, password="519372")
    b_admin_token = change_password(
        platform.directory.url, sign_in(platform.directory.url, number, INITIAL), INITIAL, b_admin.password
    )
    bob, bob_token = add_user(platform, b_admin_token, "bob", "Bob Baker")
    b = Organisation(b_id, b_admin, b_admin_token, bob, bob_token)
    return TwoOrganisations(platform, a, b, carol, carol_token)


@contextmanager
def two_organisations(tmp: Path, keys: tuple[Path, Path], **services: object) -> Iterator[TwoOrganisations]:
    """The platform (``running_platform``'s options: ``ami_port``, ``with_notify``) on a nats-server of
    its own, with both organisations."""
    with (
        own_nats_server(tmp) as nats_server,
        running_platform(tmp, nats_server.url, keys, f"orga{uuid.uuid4().hex[:6]}", **services) as p,  # type: ignore[arg-type]
    ):
        yield second_organisation(p)


def expired_token(keys: tuple[Path, Path], org: str, user: str) -> str:
    return mint(keys[0].read_bytes(), user=user, org=org, role="user", ttl_seconds=-60)


def tampered(token: str, org: str) -> str:
    """The token with its claims rewritten to another organisation, signature kept."""
    import base64
    import json

    head, claims, signature = token.split(".")
    padded = claims + "=" * (-len(claims) % 4)
    body = json.loads(base64.urlsafe_b64decode(padded))
    body["org"] = org
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{head}.{forged}.{signature}"


def service_token(keys: tuple[Path, Path], org: str) -> str:
    """What the gateway holds for an organisation (role service), to deposit what callers leave."""
    return mint(keys[0].read_bytes(), user="gateway", org=org, role="service")


@dataclass
class Attackers:
    """Beside acme (``tests.test_call_round_trip``'s organisation): org B's administrator, and Alice,
    an ordinary user of acme."""

    boss_b: str
    alice: str
    b_id: str


async def attackers_of_acme(platform: Any) -> Attackers:
    """``platform`` is ``tests.test_call_round_trip.platform`` after ``adam_on_his_mobile``."""
    from services.directory.tests.e2e import first_login
    from tests.test_call_round_trip import create_user

    b_id = f"orgb{uuid.uuid4().hex[:6]}"
    number = await asyncio.to_thread(create_organisation, platform.directory, b_id, "boss")
    boss_b = await first_login(platform.directory, number, "519372")
    alice_number = smartnumber()
    await create_user(platform, platform.boss, "alice", alice_number)
    alice = await first_login(platform.directory, alice_number, "846213")
    return Attackers(boss_b, alice, b_id)
