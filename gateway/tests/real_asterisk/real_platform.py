"""The stage of the real-Asterisk stories: ``make run`` with ``ASTERISK_BIN`` (every service, NATS
and a private Asterisk with the generated configuration), the people of acme, Asterisk's CLI,
and an AMI user ``observer`` (all read permissions) added to the generated configuration for
the stories only (watching.py).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from smartnumbers_kit.testing import stop_make_run

from services.mailbox.tests.samples import tone_wav

ASTERISK = os.environ.get("ASTERISK_BIN")
ROOT = Path(__file__).resolve().parents[3]
PORTS = [
    "NATS_PORT",
    "NATS_MONITOR_PORT",
    "DIRECTORY_PORT",
    "PRESENCE_PORT",
    "ROUTING_PORT",
    "MAILBOX_PORT",
    "GATEWAY_PORT",
    "FASTAGI_PORT",
    "AMI_PORT",
    "SIP_PORT",
    "NOTIFY_PORT",
    "SMTP_PORT",
    "WEB_PORT",
]
CALLER = "+447700900555"  # sn-demo-caller's caller id
PASSWORD = "582917"  # everyone's password after their first login


@dataclass(frozen=True)
class Person:
    """A user of acme (GB) on their mobile (a demo phone of make run)."""

    user_id: str
    name: str
    smartnumber: str  # E.164
    mobile: str  # E.164
    mailbox_number: str | None = None
    lamp: bool = False  # the message-waiting lamp on (§3.5)
    admin: bool = False

    @property
    def digits(self) -> str:
        return self.smartnumber.lstrip("+")

    @property
    def mobile_digits(self) -> str:
        return self.mobile.lstrip("+")


def gb(e164: str) -> str:
    """+441632960001 → 01632 960001 (how a GB user types it)."""
    national = "0" + e164.removeprefix("+44")
    return f"{national[:5]} {national[5:]}"


# Each story has people of its own, so that the stories do not change each other's calls.
ALICE = Person("alice", "Alice Archer", "+441632960001", "+447700900001", lamp=True, admin=True)
BOB = Person("bob", "Bob Baker", "+441632960002", "+447700900002")  # Erin's delegate
CAROL = Person("carol", "Carol Cole", "+441632960003", "+447700900003")  # call introduction
DAVE = Person("dave", "Dave Dunn", "+441632960004", "+447700900004")  # Call Manager, Please Hold
ERIN = Person("erin", "Erin Eyre", "+441632960005", "+447700900005")  # delegates to Bob
FRANK = Person("frank", "Frank Fox", "+441632960006", "+447700900006")  # team sales
GINA = Person("gina", "Gina Gale", "+441632960007", "+447700900007")  # team sales
HANK = Person("hank", "Hank Hill", "+441632960008", "+447700900008", "+441632960108", lamp=True)
IVY = Person("ivy", "Ivy Irons", "+441632960009", "+447700900009", lamp=True)  # message waiting
JACK = Person("jack", "Jack Jones", "+441632960010", "+447700900010", lamp=True)  # desk phone (SIP)
KATE = Person("kate", "Kate King", "+441632960011", "+447700900011")  # carrier calls (SIP)
PEOPLE = [ALICE, BOB, CAROL, DAVE, ERIN, FRANK, GINA, HANK, IVY, JACK, KATE]
SALES = "+441632960050"  # the team of Frank and Gina


@dataclass
class Platform:
    var: Path
    ports: dict[str, int]
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def token(self) -> str:
        return self.tokens[ALICE.user_id]

    @property
    def etc(self) -> Path:
        return self.var / "asterisk" / "etc"

    def url(self, variable: str) -> str:
        return f"http://127.0.0.1:{self.ports[variable]}"

    def cli(self, command: str) -> str:
        assert ASTERISK is not None
        done = subprocess.run(
            [ASTERISK, "-C", str(self.etc / "asterisk.conf"), "-rx", command],
            capture_output=True,
            text=True,
            timeout=20,
        )
        return done.stdout

    def client(self, variable: str, as_user: str = ALICE.user_id) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.url(variable),
            headers={"Authorization": f"Bearer {self.tokens[as_user]}"},
            timeout=10,
        )

    def service_token(self) -> str:
        """A development token of the gateway's kind (role service), minted with make run's key."""
        minted = subprocess.run(
            [
                str(ROOT / ".venv/bin/smartnumbers-token"),
                "mint",
                "--user=gateway",
                "--org=acme",
                "--role=service",
                f"--dir={self.var / 'dev-keys'}",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return minted.stdout.strip()

    def demo_phone(self, number: str, behaves: str | None) -> None:
        """How make run's demo phone ``number`` answers: answer, answer-star, busy, None (rings)."""
        digits = number.lstrip("+")
        if behaves is None:
            self.cli(f"database del sn-demo {digits}")
        else:
            self.cli(f"database put sn-demo {digits} {behaves}")

    def nats_url(self) -> str:
        return (self.var / "nats-auth" / "operator.url").read_text().strip()


def start(folder: Path) -> Iterator[Platform]:
    """``make run`` (smartnumbers-run) with free ports and its own var/, the people provisioned."""
    ports = {name: _free_port() for name in PORTS}
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "VAR_DIR", "PERSISTENCE")}
    env |= {name: str(port) for name, port in ports.items()} | {"VAR_DIR": str(folder / "var")}
    log = (folder / "make-run.log").open("w")
    run = subprocess.Popen(
        [str(ROOT / ".venv/bin/smartnumbers-run")],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while "Ctrl-C stops everything" not in (folder / "make-run.log").read_text():
            assert run.poll() is None, (folder / "make-run.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "make run did not start in 3 minutes"
            time.sleep(0.2)
        platform = Platform(folder / "var", ports)
        _observer(platform)
        _provision(platform, env)
        yield platform
    finally:
        stop_make_run(run)
        log.close()


def _free_port() -> int:
    from smartnumbers_kit.natsserver import free_port

    return free_port()


OBSERVER_SECRET = secrets.token_urlsafe(16)


def _observer(platform: Platform) -> None:
    """An AMI user for the stories only, that reads every event (AGIExecStart, Newexten,
    MusicOnHoldStart…); the gateway's own user reads only what it needs."""
    with (platform.etc / "manager_secret.conf").open("a") as f:
        f.write(
            f"\n[observer]\nsecret = {OBSERVER_SECRET}\ndeny = 0.0.0.0/0.0.0.0\n"
            "permit = 127.0.0.1/255.255.255.255\nread = all\nwrite = all\n"
        )
    platform.cli("manager reload")


def _provision(platform: Platform, env: dict[str, str]) -> None:
    """acme (GB): Alice its administrator, the others users; everyone signed in once (password
    changed), on their mobile; the team sales (Frank and Gina, made active in it) with a number of its own."""
    subprocess.run(
        [
            str(ROOT / ".venv/bin/smartnumbers-directory-admin"),
            "create-organisation",
            "--org=acme",
            "--name=Acme Ltd",
            "--country=GB",
            f"--admin={ALICE.user_id}",
            f"--admin-name={ALICE.name}",
            f"--admin-smartnumber={gb(ALICE.smartnumber)}",
            "--admin-password=739182",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    d, p, m = (platform.url(v) for v in ("DIRECTORY_PORT", "PRESENCE_PORT", "MAILBOX_PORT"))
    with httpx.Client(timeout=10) as http:
        alice = _first_login(http, d, ALICE.smartnumber)
        for person in PEOPLE[1:]:
            made = http.post(
                f"{d}/v1/users",
                headers={"Authorization": f"Bearer {alice}"},
                json={
                    "user_id": person.user_id,
                    "display_name": person.name,
                    "first_name": person.name.split()[0],
                    "last_name": person.name.split()[1],
                    "smartnumber": gb(person.smartnumber),
                    "initial_password": "739182",
                }
                | ({"mailbox_number": gb(person.mailbox_number)} if person.mailbox_number else {}),
            )
            assert made.status_code == 201, made.text
        team = http.post(
            f"{d}/v1/teams",
            headers={"Authorization": f"Bearer {alice}"},
            json={
                "team_id": "sales",
                "kind": "team",
                "name": "Sales",
                "smartnumber": gb(SALES),
                "members": [FRANK.user_id, GINA.user_id],
            },
        )
        assert team.status_code == 201, team.text
        for member in (FRANK, GINA):  # an administrator makes them active in it (§3.7)
            active = http.put(
                f"{d}/v1/users/{member.user_id}/teams",
                headers={"Authorization": f"Bearer {alice}"},
                json={"active_in": ["sales"]},
            )
            assert active.status_code == 200, active.text
        platform.tokens[ALICE.user_id] = alice
        for person in PEOPLE[1:]:
            platform.tokens[person.user_id] = _first_login(http, d, person.smartnumber)
        for person in PEOPLE:
            auth = {"Authorization": f"Bearer {platform.tokens[person.user_id]}"}
            _until_ok(
                lambda auth=auth, person=person: http.patch(
                    f"{p}/v1/users/me/numbers", headers=auth, json={"mobile": person.mobile}
                )
            )
            http.put(
                f"{p}/v1/users/me/location", headers=auth, json={"location": "mobile"}
            ).raise_for_status()
            if person.lamp:  # the mailbox learns of them from the directory's events
                _until_ok(
                    lambda auth=auth: http.patch(
                        f"{m}/v1/mailboxes/users/me/settings",
                        headers=auth,
                        json={"alerts": {"message_waiting": True}},
                    )
                )


def _first_login(http: httpx.Client, directory: str, number: str) -> str:
    first = http.post(f"{directory}/v1/sessions", json={"number": number, "password": "739182"})
    first.raise_for_status()
    changed = http.put(
        f"{directory}/v1/users/me/password",
        headers={"Authorization": f"Bearer {first.json()['access_token']}"},
        json={"old_password": "739182", "new_password": PASSWORD, "confirm_password": PASSWORD},
    )
    changed.raise_for_status()
    return str(changed.json()["access_token"])


def _until_ok(request: Callable[[], httpx.Response]) -> None:
    for _ in range(100):
        answer = request()
        if answer.status_code == 200:
            return
        time.sleep(0.1)
    answer.raise_for_status()


async def deposit(platform: Platform, person: Person, seconds: float = 2.0) -> dict[str, Any]:
    """A caller's message for ``person``, deposited as the gateway does (role service)."""
    async with httpx.AsyncClient(
        base_url=platform.url("MAILBOX_PORT"),
        headers={"Authorization": f"Bearer {platform.service_token()}", "content-type": "audio/wav"},
        timeout=10,
    ) as gateway:
        made = await gateway.post(
            f"/v1/mailboxes/users/{person.user_id}/messages",
            params={"caller_number": CALLER},
            content=tone_wav(seconds),
        )
    assert made.status_code == 201, made.text
    return dict(made.json())
