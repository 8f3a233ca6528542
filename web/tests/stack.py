"""The real services a browser story runs against: directory, presence and the web, each a process
on a real nats-server, and helpers to make an organisation and its people through the REST API."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.serviceprocess import ServiceProcess, service_process

from gateway.tests.gateway_process import gateway_process
from services.directory.tests.e2e import create_organisation, directory_process, drawn

INITIAL = "739182"


def smartnumber() -> str:
    """A fresh UK drama-range number (01632 97xxxx), unique within the run."""
    return "01632 " + drawn("97")[-6:]


@dataclass
class Person:
    user_id: str
    display_name: str
    number: str
    password: str = INITIAL


@dataclass
class Platform:
    directory: ServiceProcess
    presence: ServiceProcess
    mailbox: ServiceProcess
    web: ServiceProcess
    org: str
    admin: Person
    admin_token: str
    processes: list[ServiceProcess] = field(default_factory=list)
    gateway: ServiceProcess | None = None
    notify: ServiceProcess | None = None
    agi_port: int = 0
    nats_url: str = ""

    @property
    def url(self) -> str:
        return self.web.url

    def new_user(self, user_id: str, display_name: str, *, admin_token: str | None = None) -> Person:
        """The administrator (the platform's, or the one of ``admin_token``'s organisation)
        creates a user with an initial password (a welcome pack's)."""
        admin_token = admin_token or self.admin_token
        person = Person(user_id, display_name, smartnumber())
        first, _, last = display_name.partition(" ")
        r = httpx.post(
            self.directory.url + "/v1/users",
            headers={"Authorization": f"Bearer {admin_token}"},
            json={
                "user_id": user_id,
                "first_name": first,
                "last_name": last or first,
                "display_name": display_name,
                "smartnumber": person.number,
                "initial_password": INITIAL,
            },
        )
        assert r.status_code == 201, r.text
        eventually(lambda: self._known(user_id, admin_token))
        return person

    def _known(self, user_id: str, admin_token: str) -> bool:
        """Presence and the mailbox have learnt of the user from the directory's events."""
        headers = {"Authorization": f"Bearer {admin_token}"}
        return (
            httpx.get(f"{self.presence.url}/v1/users/{user_id}/presence", headers=headers).status_code == 200
            and httpx.get(f"{self.mailbox.url}/v1/mailboxes/users/{user_id}", headers=headers).status_code
            == 200
        )

    def ready_user(self, user_id: str, display_name: str, password: str) -> Person:
        """A user who has already changed the initial password (through the directory's API)."""
        person = self.new_user(user_id, display_name)
        token = sign_in(self.directory.url, person.number, INITIAL)
        change_password(self.directory.url, token, INITIAL, password)
        person.password = password
        return person


def web_client(platform: Platform, person: Person) -> httpx.Client:
    """An HTTP client signed in to the web as ``person`` (through the sign-in form), for the
    synchronous checks that need no browser; close it when done."""
    web = httpx.Client(base_url=platform.url)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/signin").text)
    assert csrf, "the sign-in form has its CSRF token"
    r = web.post(
        "/signin", data={"number": person.number, "password": person.password, "csrf_token": csrf[1]}
    )
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    return web


def csrf_of(web: httpx.Client) -> str:
    """The session's CSRF token, as a page carries it."""
    found = re.search(r'name="csrf-token" content="([^"]+)"', web.get("/contact").text)
    assert found, "a page carries the CSRF token"
    return found[1]


def sign_in(directory_url: str, number: str, password: str) -> str:
    r = httpx.post(directory_url + "/v1/sessions", json={"number": number, "password": password})
    assert r.status_code == 200, r.text
    token: str = r.json()["access_token"]
    return token


def change_password(directory_url: str, token: str, old: str, new: str) -> str:
    r = httpx.put(
        directory_url + "/v1/users/me/password",
        headers={"Authorization": f"Bearer {token}"},
        json={"old_password": old, "new_password": new, "confirm_password": new},
    )
    assert r.status_code == 200, r.text
    access: str = r.json()["access_token"]
    return access


def eventually(check: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll a REST read until it holds (the services catch up through the bus)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("not true in time")
        time.sleep(0.05)


def web_process(tmp: Path, **urls: str) -> ServiceProcess:
    return ServiceProcess(
        "smartnumbers_web.main:create",
        {f"{name.upper()}_URL": url for name, url in urls.items()},
        log_file=tmp / "web.log",
    )


def telephony(
    tmp: Path, nats_url: str, keys: tuple[Path, Path], ami_port: int, **urls: str
) -> tuple[ServiceProcess, ServiceProcess, int]:
    """Routing and the gateway, the gateway talking AMI to a FAKE Asterisk on ``ami_port``;
    returns them and the gateway's FastAGI port."""
    agi_port = free_port()
    routing = service_process("routing", tmp / "var-routing", nats_url, keys[1], tmp / "routing.log")
    gateway = gateway_process(
        tmp,
        nats_url,
        keys,
        ami_port=ami_port,
        agi_port=agi_port,
        GATEWAY_DIAL_TEMPLATE="Local/{digits}@phones",
        **{f"{name.upper()}_URL": url for name, url in urls.items()},
    )
    return routing, gateway, agi_port


def notify_process(tmp: Path, nats_url: str, keys: tuple[Path, Path], **urls: str) -> ServiceProcess:
    """Notify, for the pages over its API (report schedules): its emails go to a port nobody
    listens on and its SMS to files, as no story here waits for a delivery."""
    return service_process(
        "notify",
        tmp / "var-notify",
        nats_url,
        keys[1],
        tmp / "notify.log",
        SMTP_PORT=str(free_port()),
        SMS_GATEWAY="files",
        NOTIFY_SIGNING_KEY_FILE=str(keys[0]),
        **{f"{name.upper()}_URL": url for name, url in urls.items()},
    )


@contextmanager
def running_platform(
    tmp: Path,
    nats_url: str,
    keys: tuple[Path, Path],
    org: str,
    ami_port: int | None = None,
    with_notify: bool = False,
) -> Iterator[Platform]:
    """With ``ami_port``, routing and the gateway too (a FAKE Asterisk's AMI on that port); with
    ``with_notify``, notify (and routing, whose call records it reports) too."""
    (tmp / "dir").mkdir()
    directory = directory_process(tmp / "dir", nats_url, keys)
    presence = service_process("presence", tmp / "var-presence", nats_url, keys[1], tmp / "presence.log")
    mailbox = service_process("mailbox", tmp / "var-mailbox", nats_url, keys[1], tmp / "mailbox.log")
    started: list[ServiceProcess] = []
    try:
        for process in (directory, presence, mailbox):
            process.start()
            started.append(process)
        urls = {"directory": directory.url, "presence": presence.url, "mailbox": mailbox.url}
        gateway = None
        if ami_port is not None:
            routing, gateway, agi_port = telephony(tmp, nats_url, keys, ami_port, **urls)
            for process in (routing, gateway):
                process.start()
                started.append(process)
            urls |= {"routing": routing.url, "gateway": gateway.url}
        notify = None
        if with_notify:
            if "routing" not in urls:  # notify's reports are of routing's call records
                routing = service_process(
                    "routing", tmp / "var-routing", nats_url, keys[1], tmp / "routing.log"
                )
                routing.start()
                started.append(routing)
                urls["routing"] = routing.url
            notify = notify_process(tmp, nats_url, keys, mailbox=urls["mailbox"], routing=urls["routing"])
            notify.start()
            started.append(notify)
            urls["notify"] = notify.url
        web = web_process(tmp, **urls)
        web.start(wait_for_nats=False)
        started.append(web)
        admin_number = create_organisation(directory, org, "boss")
        admin = Person("boss", "Boss", admin_number)
        token = sign_in(directory.url, admin_number, INITIAL)
        admin.password = "582917"
        admin_token = change_password(directory.url, token, INITIAL, admin.password)
        platform = Platform(directory, presence, mailbox, web, org, admin, admin_token, started)
        platform.nats_url = nats_url
        if gateway is not None:
            platform.gateway, platform.agi_port = gateway, agi_port
        platform.notify = notify
        yield platform
    finally:
        for process in reversed(started):
            process.stop()
