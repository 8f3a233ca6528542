"""Sessions do not outlive the password (issue 11 §3): a new password, a reset, signing out and
removal end a user's sessions, and every service refuses the tokens issued before, within moments.

Real processes on a real nats-server: the directory, presence, the mailbox and routing.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from smartnumbers_kit.revocation import SESSION_ENDED
from smartnumbers_kit.serviceprocess import ServiceProcess

from services.mailbox.tests.e2e import mailbox_process
from services.presence.tests.e2e import BusWatcher, eventually, presence_process
from services.routing.tests.e2e import routing_process

from .e2e import client, create_organisation, first_login, new_user, signed_in, smartnumber

SESSIONS_ENDED = "directory.user.sessions_ended.v1"
REMOVED = "directory.user.removed.v1"


@pytest.fixture(scope="module")
def others(
    tmp_path_factory: pytest.TempPathFactory, nats_server, dev_keys
) -> Iterator[dict[str, ServiceProcess]]:
    """Presence, the mailbox and routing, trusting the same key as the module's directory."""
    processes = {
        "presence": presence_process(tmp_path_factory.mktemp("presence"), nats_server.url, dev_keys[1]),
        "mailbox": mailbox_process(tmp_path_factory.mktemp("mailbox"), nats_server.url, dev_keys[1]),
        "routing": routing_process(tmp_path_factory.mktemp("routing"), nats_server.url, dev_keys[1]),
    }
    try:
        for process in processes.values():
            process.start()
        yield processes
    finally:
        for process in processes.values():
            process.stop()


ASK = {
    "presence": "/v1/users/{user}/presence",
    "mailbox": "/v1/mailboxes/users/{user}",
    "routing": "/v1/calls",
}


async def _answer(service: ServiceProcess, token: str, path: str) -> httpx.Response:
    async with client(service, token) as c:
        return await c.get(path)


async def _refused_as_ended(service: ServiceProcess, token: str, path: str) -> None:
    """Within seconds (the event is already on the bus): 401, your session has ended."""
    r = await eventually(lambda: _answer(service, token, path), lambda r: r.status_code == 401, timeout=5)
    assert r.json()["detail"] == SESSION_ENDED, r.text


async def _alice(service: ServiceProcess, org: str) -> tuple[str, str, str, dict]:
    """An organisation whose administrator made Alice; Alice signed in: (admin token, Alice's number,
    her password, her tokens)."""
    boss_number = create_organisation(service, org, "boss")
    boss = await first_login(service, boss_number, "828374")
    alice_number = smartnumber()
    async with client(service, boss) as admin:
        await new_user(admin, "alice", smartnumber=alice_number)
    await first_login(service, alice_number, "917253")
    return boss, alice_number, "917253", await signed_in(service, alice_number, "917253")


async def test_a_new_password_ends_earlier_sessions_and_the_new_one_works(service, nats_server):
    _, _, password, before = await _alice(service, "sessions-pw")
    async with BusWatcher(nats_server.url, "directory.user.>") as bus:
        # 1. Alice changes her password on the web; she gets new tokens.
        async with client(service, before["access_token"]) as alice:
            r = await alice.put(
                "/v1/users/me/password",
                json={"old_password": password, "new_password": "646372", "confirm_password": "646372"},
            )
            assert r.status_code == 200, r.text
            after = r.json()
        await bus.next_matching(SESSIONS_ENDED, user_id="alice", reason="password_changed")
    # 2. The refresh token taken before is refused; the new one refreshes.
    async with client(service) as anonymous:
        r = await anonymous.post("/v1/sessions/refresh", json={"refresh_token": before["refresh_token"]})
        assert r.status_code == 401 and "sign in again" in r.json()["detail"], r.text
        r = await anonymous.post("/v1/sessions/refresh", json={"refresh_token": after["refresh_token"]})
        assert r.status_code == 200, r.text
    # 3. The old access token is refused by the directory; the new one is not.
    await _refused_as_ended(service, before["access_token"], "/v1/users/me")
    assert (await _answer(service, after["access_token"], "/v1/users/me")).status_code == 200
    assert (await _answer(service, r.json()["access_token"], "/v1/users/me")).status_code == 200


async def test_an_administrators_reset_ends_the_users_sessions(service, nats_server):
    boss, _, _, before = await _alice(service, "sessions-reset")
    async with BusWatcher(nats_server.url, "directory.user.>") as bus:
        async with client(service, boss) as admin:
            r = await admin.post("/v1/users/alice/password-reset", json={"initial_password": "739182"})
            assert r.status_code == 204, r.text
        await bus.next_matching(SESSIONS_ENDED, user_id="alice", reason="password_reset")
    async with client(service) as anonymous:
        r = await anonymous.post("/v1/sessions/refresh", json={"refresh_token": before["refresh_token"]})
        assert r.status_code == 401, r.text
    await _refused_as_ended(service, before["access_token"], "/v1/users/me")


async def test_signing_out_ends_the_session(service, nats_server):
    _, number, password, tokens = await _alice(service, "sessions-out")
    async with BusWatcher(nats_server.url, "directory.user.>") as bus:
        async with client(service, tokens["access_token"]) as alice:
            r = await alice.post("/v1/sessions/logout", json={"refresh_token": tokens["refresh_token"]})
            assert r.status_code == 204, r.text
        await bus.next_matching(SESSIONS_ENDED, user_id="alice", reason="signed_out")
    async with client(service) as anonymous:
        r = await anonymous.post("/v1/sessions/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert r.status_code == 401, r.text
    await _refused_as_ended(service, tokens["access_token"], "/v1/users/me")
    # Signing in again works.
    again = await signed_in(service, number, password)
    assert (await _answer(service, again["access_token"], "/v1/users/me")).status_code == 200


async def test_a_removed_users_token_is_refused_by_every_service_within_seconds(service, others, nats_server):
    boss, _, _, tokens = await _alice(service, "sessions-rm")
    token = tokens["access_token"]
    # 1. Before: every service answers Alice (the others once they heard of her from the directory).
    for name, process in others.items():
        path = ASK[name].format(user="alice")
        await eventually(lambda p=process, q=path: _answer(p, token, q), lambda r: r.status_code == 200)
    # 2. The administrator removes her; the event is on the bus.
    async with BusWatcher(nats_server.url, "directory.user.>") as bus:
        async with client(service, boss) as admin:
            assert (await admin.delete("/v1/users/alice")).status_code == 204
        await bus.next_matching(REMOVED, user_id="alice", organisation_id="sessions-rm")
    # 3. Her token, valid for minutes more, is refused everywhere: not at its expiry.
    await _refused_as_ended(service, token, "/v1/contacts")
    for name, process in others.items():
        await _refused_as_ended(process, token, ASK[name].format(user="alice"))


async def test_the_gateway_refuses_a_removed_users_token_within_seconds(
    service, nats_server, dev_keys, tmp_path
):
    """The gateway verifies tokens through the kit like the services, and follows the same
    revocations: its call control refuses Alice's token once she is removed."""
    from gateway.tests.gateway_process import gateway_process

    gateway = gateway_process(tmp_path, nats_server.url, dev_keys)  # no Asterisk: nothing is dialled
    gateway.start()
    try:
        boss, _, _, tokens = await _alice(service, "sessions-gw")
        token = tokens["access_token"]

        async def click(to: str) -> httpx.Response:
            async with client(gateway, token) as alice:
                return await alice.post("/v1/click-to-dial", json={"number": to})

        # 1. Before: her token is accepted (no Asterisk here, so nothing can be dialled: not a 401).
        assert (await click("+441632960999")).status_code != 401
        # 2. She is removed; the event is on the bus; the gateway refuses her token.
        async with BusWatcher(nats_server.url, "directory.user.>") as bus:
            async with client(service, boss) as admin:
                assert (await admin.delete("/v1/users/alice")).status_code == 204
            await bus.next_matching(REMOVED, user_id="alice", organisation_id="sessions-gw")
        r = await eventually(lambda: click("+441632960999"), lambda r: r.status_code == 401, timeout=5)
        assert r.json()["detail"] == SESSION_ENDED, r.text
    finally:
        gateway.stop()
