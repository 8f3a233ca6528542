"""The main flows against a REAL Asterisk (only with ASTERISK_BIN): ``make run`` starts it with
its generated configuration (gateway/smartnumbers_gateway/asterisk/dev_asterisk.py) next to
every service, and calls are made with Local channels and AMI Originate:

- a carrier call (``Local/<smartnumber>@sn-demo-caller``: the caller "says" a prompt) to a
  user whose mobile (a demo phone) is not answered goes to voicemail, and the message is
  deposited in the mailbox; the message-waiting state follows (AMI ``MWIGet``);
- a caller giving up while the phone rings is a lost call in routing's records;
- the same call answered on the user's mobile is answered by her;
- click-to-dial rings her and then the number she asked for;
- the gateway's ModuleCheck at login finds every module the flows need (/readyz).

The same behaviours are covered against the FAKE Asterisk in gateway/tests (make test).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from smartnumbers_kit.natsserver import free_port

from gateway.tests.fake_ami import frame

ASTERISK = os.environ.get("ASTERISK_BIN")
ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(
    not ASTERISK, reason="needs a real Asterisk: set ASTERISK_BIN=/path/to/sbin/asterisk"
)
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
]
SMARTNUMBER, MOBILE = "441632960001", "447700900001"
CALLER = "+447700900555"  # sn-demo-caller's caller id


@dataclass
class Platform:
    var: Path
    ports: dict[str, int]
    token: str

    def url(self, variable: str) -> str:
        return f"http://127.0.0.1:{self.ports[variable]}"

    def cli(self, command: str) -> str:
        config = self.var / "asterisk" / "etc" / "asterisk.conf"
        assert ASTERISK is not None
        done = subprocess.run(
            [ASTERISK, "-C", str(config), "-rx", command], capture_output=True, text=True, timeout=20
        )
        return done.stdout

    def client(self, variable: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.url(variable), headers={"Authorization": f"Bearer {self.token}"}, timeout=10
        )


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    folder = tmp_path_factory.mktemp("real-asterisk")
    ports = {name: free_port() for name in PORTS}
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
        token = _provision(folder / "var", ports, env)
        yield Platform(folder / "var", ports, token)
    finally:
        run.send_signal(signal.SIGINT)
        try:
            run.wait(60)
        except subprocess.TimeoutExpired:
            run.kill()
            run.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGKILL)
        log.close()


def _provision(var: Path, ports: dict[str, int], env: dict[str, str]) -> str:
    """Alice, administrator of acme (GB), smartnumber 01632 960001, on her mobile 07700 900001,
    her message-waiting lamp on."""
    subprocess.run(
        [
            str(ROOT / ".venv/bin/smartnumbers-directory-admin"),
            "create-organisation",
            "--org=acme",
            "--name=Acme Ltd",
            "--country=GB",
            "--admin=alice",
            "--admin-name=Alice Archer",
            "--admin-smartnumber=01632 960001",
            "--admin-password=739182",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    d, p = f"http://127.0.0.1:{ports['DIRECTORY_PORT']}", f"http://127.0.0.1:{ports['PRESENCE_PORT']}"
    with httpx.Client(timeout=10) as http:
        first = http.post(f"{d}/v1/sessions", json={"number": "01632 960001", "password": "739182"})
        changed = http.put(
            f"{d}/v1/users/me/password",
            headers={"Authorization": f"Bearer {first.json()['access_token']}"},
            json={"old_password": "739182", "new_password": "582917", "confirm_password": "582917"},
        )
        token = changed.json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        http.patch(
            f"{p}/v1/users/me/numbers", headers=auth, json={"mobile": "07700 900001"}
        ).raise_for_status()
        http.put(f"{p}/v1/users/me/location", headers=auth, json={"location": "mobile"}).raise_for_status()
        m = f"http://127.0.0.1:{ports['MAILBOX_PORT']}"
        # her message-waiting lamp on (§3.5): the gateway then sends Asterisk her count
        for _ in range(100):  # the mailbox learns of her from the directory's events
            settings = http.patch(
                f"{m}/v1/mailboxes/users/me/settings",
                headers=auth,
                json={"alerts": {"message_waiting": True}},
            )
            if settings.status_code == 200:
                break
            time.sleep(0.1)
        settings.raise_for_status()
    return str(token)


class Ami:
    """A plain AMI session as the gateway's user: actions, and every event kept to be awaited."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.events: list[dict[str, str]] = []
        self.changed = asyncio.Condition()
        self.task = asyncio.create_task(self._read())

    @classmethod
    async def login(cls, platform: Platform) -> Ami:
        secret = (platform.var / "asterisk" / "etc" / "manager_secret.conf").read_text()
        found = re.search(r"secret = (\S+)", secret)
        assert found
        reader, writer = await asyncio.open_connection("127.0.0.1", platform.ports["AMI_PORT"])
        await reader.readline()
        ami = cls(reader, writer)
        await ami.send(Action="Login", Username="gateway", Secret=found.group(1))
        await ami.wait_for(lambda e: e.get("Response") == "Success")
        return ami

    async def _read(self) -> None:
        while True:
            block = await self.reader.readuntil(b"\r\n\r\n")
            fields = dict(
                line.split(": ", 1) for line in block.decode(errors="replace").splitlines() if ": " in line
            )
            async with self.changed:
                self.events.append(fields)
                self.changed.notify_all()

    async def send(self, **fields: str) -> None:
        self.writer.write(frame(list(fields.items())))
        await self.writer.drain()

    async def wait_for(self, matches: Callable[[dict[str, str]], bool], within: float = 90) -> dict[str, str]:
        async def found() -> dict[str, str]:
            async with self.changed:
                while True:
                    for event in self.events:
                        if matches(event):
                            return event
                    await self.changed.wait()

        return await asyncio.wait_for(found(), within)

    async def close(self) -> None:
        self.task.cancel()
        self.writer.close()


@pytest.fixture
async def ami(platform: Platform) -> AsyncIterator[Ami]:
    session = await Ami.login(platform)
    yield session
    await session.close()


async def eventually(check: Callable[[], Awaitable[Any]], within: float = 90) -> Any:
    """Polls a service's REST answer (no event to await there) until ``check`` returns a value."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, "not within the time"
        await asyncio.sleep(0.5)


async def call_in(ami: Ami, *, says: str = "sn/menu-main", gives_up_after_ms: int | None = None) -> None:
    """A carrier call from +447700900555 to Alice's smartnumber, through a Local channel."""
    fields = {
        "Action": "Originate",
        "Channel": f"Local/{SMARTNUMBER}@sn-demo-caller",
        "Application": "Playback",
        "Data": says,
        "Async": "true",
    }
    if gives_up_after_ms is not None:
        fields["Timeout"] = str(gives_up_after_ms)
    await ami.send(**fields)


async def calls_of(platform: Platform) -> list[dict[str, Any]]:
    async with platform.client("ROUTING_PORT") as routing:
        return list((await routing.get("/v1/calls")).json())


async def test_no_answer_goes_to_voicemail_and_the_message_is_deposited(platform: Platform, ami: Ami) -> None:
    await call_in(ami)

    async def messages() -> list[dict[str, Any]]:
        async with platform.client("MAILBOX_PORT") as mailbox:
            return [m for m in (await mailbox.get("/v1/mailboxes/users/me/messages")).json() if m]

    found = await eventually(messages, within=120)
    assert found[0]["caller_number"] == CALLER and found[0]["folder"] == "new"
    # The new message lights her lamp (res_mwi_external, MWIUpdate), as a desk phone's
    # SUBSCRIBE would show; hearing it makes it Old (§5.3), and the lamp goes off.
    await lamp_shows(ami, "1")
    async with platform.client("MAILBOX_PORT") as mailbox:
        audio = await mailbox.get(f"/v1/mailboxes/users/me/messages/{found[0]['id']}/audio")
    assert audio.status_code == 200 and len(audio.content) > 8000, "a few seconds of what the caller said"
    await lamp_shows(ami, "0")


async def lamp_shows(ami: Ami, new_messages: str) -> None:
    """Asterisk's MWI state for alice@acme comes to show ``new_messages`` new messages."""
    asked = iter(range(1000))
    seen: list[dict[str, str]] = []

    async def shown() -> dict[str, str] | None:
        action = f"mwi-{next(asked)}"
        await ami.send(Action="MWIGet", Mailbox="alice@acme", ActionID=action)
        state = await ami.wait_for(lambda e: e.get("ActionID") == action and "Response" not in e, within=10)
        seen.append(state)
        return state if state.get("NewMessages") == new_messages else None

    try:
        await eventually(shown, within=90)
    except AssertionError:
        raise AssertionError(f"Asterisk's MWI state for alice@acme stayed {seen[-1:]}") from None


async def test_a_caller_giving_up_while_the_phone_rings_is_a_lost_call(platform: Platform, ami: Ami) -> None:
    before = {c["call_id"] for c in await calls_of(platform)}
    await call_in(ami, gives_up_after_ms=4000)

    async def ended() -> list[dict[str, Any]]:
        return [c for c in await calls_of(platform) if c["call_id"] not in before and c["ended_at"]]

    [call] = await eventually(ended, within=60)
    assert call["outcome"] == "lost", call
    assert call["answered_at"] is None and call["caller_number"] == CALLER


async def test_a_call_answered_on_the_mobile_is_answered_by_her(platform: Platform, ami: Ami) -> None:
    platform.cli(f"database put sn-demo {MOBILE} answer")
    try:
        before = {c["call_id"] for c in await calls_of(platform)}
        await call_in(ami, says="sn/not-available-leave-message")
        answered = await ami.wait_for(
            lambda e: (
                e.get("Event") == "DialEnd"
                and e.get("DialStatus") == "ANSWER"
                and e.get("DestChannel", "").startswith(f"Local/{MOBILE}@sn-demo-phones")
            )
        )
        assert answered

        async def ended() -> list[dict[str, Any]]:
            return [c for c in await calls_of(platform) if c["call_id"] not in before and c["ended_at"]]

        [call] = await eventually(ended, within=60)
        assert call["answered_at"] is not None and call["actual_recipient"] in ("alice", "+447700900001"), (
            call
        )
    finally:
        platform.cli(f"database del sn-demo {MOBILE}")


async def test_click_to_dial_rings_her_then_the_number(platform: Platform, ami: Ami) -> None:
    platform.cli(f"database put sn-demo {MOBILE} answer")
    try:
        async with platform.client("GATEWAY_PORT") as gateway:
            accepted = await gateway.post("/v1/click-to-dial", json={"to": "+447700900777"})
        assert accepted.status_code == 202, accepted.text
        await ami.wait_for(
            lambda e: (
                e.get("Event") == "DialBegin" and "447700900777@sn-demo-phones" in e.get("DialString", "")
            )
        )
    finally:
        platform.cli(f"database del sn-demo {MOBILE}")


async def test_the_gateway_checked_the_modules_of_this_asterisk_and_is_ready(platform: Platform) -> None:
    """ModuleCheck through the shipped manager.conf's permissions: this build has every module."""

    async def ready() -> dict[str, Any] | None:
        async with httpx.AsyncClient(base_url=platform.url("GATEWAY_PORT")) as gateway:
            body = (await gateway.get("/readyz")).json()
        return body if "asterisk_module_res_agi" in body["checks"] and body["ready"] else None

    body = await eventually(ready, within=30)
    assert body["checks"]["asterisk_module_res_mwi_external_ami"] is True


def test_the_real_asterisk_is_the_one_tested() -> None:
    assert ASTERISK and shutil.which(ASTERISK), ASTERISK
