"""The stage for phone-menu stories: the directory, presence, mailbox and routing as real
processes on a real nats-server, the gateway's FastAGI server in the test's loop, and a
FAKE Asterisk channel (``fake_agi.FakeAgiChannel`` in keypad mode) dialling a mailbox number.

Each story makes its own people in one organisation (made once, by the admin CLI), signs
in from the keypad, and then asserts what the owning service now holds, through the REST
API as that person — never only what was played.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from smartnumbers_contracts import Contract
from smartnumbers_contracts import routing as wire
from smartnumbers_gateway.asterisk.fastagi import FastAgiServer
from smartnumbers_gateway.asterisk.speech import Speech
from smartnumbers_gateway.clients.directory import DirectoryClient
from smartnumbers_gateway.clients.mailbox import MailboxClient
from smartnumbers_gateway.clients.service_tokens import ServiceTokens
from smartnumbers_gateway.incoming.plans import PlansInFlight
from smartnumbers_gateway.incoming.voicemail import Voicemail
from smartnumbers_gateway.phone.access import MailboxAccess
from smartnumbers_gateway.phone.session import Services
from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.plans import ask_for_plan
from smartnumbers_kit.serviceprocess import ServiceProcess
from smartnumbers_kit.settings import DEV_ISSUER
from smartnumbers_kit.testing import own_nats_server

from gateway.tests.fake_agi import FakeAgiChannel
from services.directory.tests.e2e import create_organisation, directory_process, first_login, smartnumber
from services.mailbox.tests.e2e import mailbox_process
from services.mailbox.tests.samples import tiff, tone_wav
from services.presence.tests.e2e import eventually, presence_process
from services.routing.tests.e2e import routing_process

PASSWORD = "739182"  # initial, given by the administrator
CHOSEN = "917253"  # what each person changes it to at first sign-in (§2)
WAV = {"Content-Type": "audio/wav"}
CALLING_FROM = "447700900555"  # the fake channel's caller id: Lucy's mobile, +44 7700 900555
_people = itertools.count(1)


@dataclass
class Person:
    user_id: str
    smartnumber: str
    mailbox_number: str
    token: str
    password: str = CHOSEN

    @property
    def national(self) -> str:
        """The smartnumber as typed on a UK keypad (01632 96xxxx)."""
        return "0" + self.smartnumber.removeprefix("+44")

    @property
    def signs_in(self) -> str:
        """Star during the greeting, then the password and hash."""
        return f"*{self.password}#"


@dataclass
class Stage:
    directory: ServiceProcess
    presence: ServiceProcess
    mailbox: ServiceProcess
    routing: ServiceProcess
    nats_url: str
    admin_token: str
    organisation: str
    port: int = 0
    commands: list[Contract] = field(default_factory=list)
    spool: Path = Path()
    left: list[Any] = field(default_factory=list)
    tokens: ServiceTokens | None = None
    services: Services | None = None
    """What the gateway's phone sessions reach (a story may point one elsewhere)."""

    def as_(self, person: Person, service: ServiceProcess) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=service.url, headers={"Authorization": f"Bearer {person.token}"}, timeout=20
        )

    async def person(self, name: str = "adam", **profile: str) -> Person:
        """A new user (unique id), known to every service before the story goes on."""
        user_id = f"{name}-{next(_people)}-{uuid.uuid4().hex[:4]}"
        number, mailbox_number = smartnumber(), smartnumber()
        async with httpx.AsyncClient(
            base_url=self.directory.url, timeout=20, headers={"Authorization": f"Bearer {self.admin_token}"}
        ) as admin:
            r = await admin.post(
                "/v1/users",
                json={
                    "user_id": user_id,
                    "display_name": name.title(),
                    "smartnumber": number,
                    "mailbox_number": mailbox_number,
                    "initial_password": PASSWORD,
                    **profile,
                },
            )
            assert r.status_code == 201, r.text
        token = await first_login(self.directory, number, CHOSEN)
        who = Person(user_id, number, mailbox_number, token)
        async with self.as_(who, self.presence) as p, self.as_(who, self.mailbox) as m:
            await eventually(lambda: p.get("/v1/users/me/presence"), lambda r: r.status_code == 200)
            await eventually(lambda: m.get("/v1/mailboxes/users/me"), lambda r: r.status_code == 200)
        nc = await nats.connect(self.nats_url)
        try:

            async def plan() -> wire.RoutingPlan:
                return await ask_for_plan(
                    nc,
                    wire.PlanRequest(call_id="probe", dialled=mailbox_number, at=datetime.now(UTC)),
                    timeout=2,
                )

            await eventually(plan, lambda p: p.mailbox_access and p.call_for == user_id)
        finally:
            await nc.close()
        return who

    async def team(self, name: str, members: list[Person]) -> str:
        """A team (its smartnumber returned) once the directory and the mailbox know it."""
        team_id, number = f"{name}-{uuid.uuid4().hex[:6]}", smartnumber()
        async with httpx.AsyncClient(
            base_url=self.directory.url, timeout=20, headers={"Authorization": f"Bearer {self.admin_token}"}
        ) as admin:
            r = await admin.post(
                "/v1/teams",
                json={
                    "team_id": team_id,
                    "kind": "team",
                    "name": name.title(),
                    "smartnumber": number,
                    "members": [m.user_id for m in members],
                },
            )
            assert r.status_code == 201, r.text
        async with self.as_gateway(self.mailbox) as gateway:
            await eventually(
                lambda: gateway.get(f"/v1/mailboxes/teams/{team_id}"), lambda r: r.status_code == 200
            )
        return number

    def as_gateway(self, service: ServiceProcess) -> httpx.AsyncClient:
        assert self.tokens is not None
        token = self.tokens.for_organisation(self.organisation)
        return httpx.AsyncClient(
            base_url=service.url, headers={"Authorization": f"Bearer {token}"}, timeout=20
        )

    async def message_for(
        self,
        person: Person,
        seconds: float = 1.0,
        *,
        urgent: bool = False,
        caller_number: str | None = "+447700900777",
        sender: Person | None = None,
        rate: int = 8000,
    ) -> str:
        """A voicemail in ``person``'s mailbox: left by a caller, or sent by another user (§5.4)."""
        async with self.as_gateway(self.mailbox) as gateway:
            if sender is not None:
                r = await gateway.post(
                    "/v1/voicemails",
                    content=tone_wav(seconds, rate),
                    headers=WAV,
                    params=[("to", f"user:{person.user_id}"), ("sender", sender.user_id)],
                )
                assert r.status_code == 201, r.text
                return r.json()[0]["message_id"]
            params = {
                "urgent": str(urgent).lower(),
                **({"caller_number": caller_number} if caller_number else {}),
            }
            r = await gateway.post(
                f"/v1/mailboxes/users/{person.user_id}/messages",
                content=tone_wav(seconds, rate),
                params=params,
                headers=WAV,
            )
            assert r.status_code == 201, r.text
            return r.json()["id"]

    async def fax_for(self, person: Person, pages: int = 2, caller_number: str = "+441632960444") -> str:
        async with self.as_gateway(self.mailbox) as gateway:
            r = await gateway.post(
                f"/v1/mailboxes/users/{person.user_id}/faxes",
                content=tiff(pages),
                params={"caller_number": caller_number},
                headers={"Content-Type": "image/tiff"},
            )
            assert r.status_code == 201, r.text
            return r.json()["id"]

    async def messages_of(self, person: Person) -> list[dict[str, Any]]:
        async with self.as_(person, self.mailbox) as box:
            r = await box.get("/v1/mailboxes/users/me/messages")
            assert r.status_code == 200, r.text
            return r.json()

    async def faxes_of(self, person: Person) -> list[dict[str, Any]]:
        async with self.as_(person, self.mailbox) as box:
            r = await box.get("/v1/mailboxes/users/me/faxes")
            assert r.status_code == 200, r.text
            return r.json()

    async def mailbox_of(self, person: Person) -> dict[str, Any]:
        async with self.as_(person, self.mailbox) as box:
            return (await box.get("/v1/mailboxes/users/me")).json()

    async def presence_of(self, person: Person) -> dict[str, Any]:
        async with self.as_(person, self.presence) as p:
            return (await p.get("/v1/users/me/presence")).json()

    async def dial(
        self,
        person: Person,
        keypad: str,
        *,
        says: bytes | None = None,
        calling_from: str = CALLING_FROM,
        timeout: float = 20.0,
    ) -> FakeAgiChannel:
        """A call to ``person``'s mailbox number, pressing ``keypad``; hangs up when the keys run out."""
        call = FakeAgiChannel(
            self.port,
            script="mailbox",
            args=[person.mailbox_number.lstrip("+"), f"call-{uuid.uuid4().hex[:8]}"],
            extension=person.mailbox_number.lstrip("+"),
            callerid=calling_from,
            keypad=keypad,
            says=says,
        )
        return await call.run(timeout=timeout)


@pytest.fixture(scope="session")
def phone_services(tmp_path_factory, dev_keys):
    """The four services as processes on a nats-server of their own (their durable consumers
    would share other tests' messages on the session's server), and one organisation."""
    tmp = tmp_path_factory.mktemp("phone")
    with own_nats_server(tmp) as nats_server:
        yield from _services(tmp, nats_server.url, dev_keys)


def _services(tmp: Path, nats_url: str, dev_keys: tuple[Path, Path]):
    (tmp / "dir").mkdir()
    (tmp / "mb").mkdir()
    processes = [
        directory_process(tmp / "dir", nats_url, dev_keys),
        presence_process(tmp, nats_url, dev_keys[1]),
        mailbox_process(tmp / "mb", nats_url, dev_keys[1]),
        routing_process(tmp, nats_url, dev_keys[1]),
    ]
    try:
        for process in processes:
            process.start()
        organisation = f"phone{uuid.uuid4().hex[:6]}"
        admin_number = create_organisation(processes[0], organisation, "boss")
        admin_token = asyncio.run(first_login(processes[0], admin_number, CHOSEN))
        yield processes, admin_token, organisation, nats_url
    finally:
        for process in reversed(processes):
            process.stop()


@pytest.fixture
async def stage(phone_services, tmp_path, dev_keys):
    """The gateway's FastAGI server with the ``mailbox`` route, wired as bootstrap.py wires it."""
    (directory, presence, mailbox, routing), admin_token, organisation, nats_url = phone_services
    nc = await nats.connect(nats_url)
    tokens = ServiceTokens(dev_keys[0], DEV_ISSUER)
    box = MailboxClient(mailbox.url, tokens, timeout=20)
    clients = [
        httpx.AsyncClient(base_url=directory.url, timeout=20),
        httpx.AsyncClient(base_url=presence.url, timeout=20),
    ]
    the_stage = Stage(
        directory,
        presence,
        mailbox,
        routing,
        nats_url,
        admin_token,
        organisation,
        spool=tmp_path / "spool",
        tokens=tokens,
    )

    async def send_command(command: Contract) -> None:
        the_stage.commands.append(command)

    speech = Speech(the_stage.spool)
    speech.available = False
    plans = PlansInFlight()
    voicemail = Voicemail(plans, box, speech, the_stage.spool, the_stage.left.append)
    services = the_stage.services = Services(
        clients[0], clients[1], box.http, tokens, send_command, "PJSIP/{e164}@trunk"
    )
    agi = FastAgiServer(header_timeout=2)
    directory_client = DirectoryClient(directory.url, tokens, timeout=20)
    agi.add_route(
        "mailbox", MailboxAccess(nc, plans, services, voicemail, directory_client, routing_timeout=2)
    )
    the_stage.port = free_port()
    server = await agi.serve("127.0.0.1", the_stage.port, 64)
    try:
        yield the_stage
    finally:
        server.close()
        await server.wait_closed()
        for client in clients:
            await client.aclose()
        await box.close()
        await directory_client.close()
        await nc.close()
