"""How a real-Asterisk story watches what happens: an AMI session (the gateway's user, or the
``observer`` that reads every event), the bus (NATS, as its operator), and REST answers
polled where no event can be awaited."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import nats

from gateway.tests.fake_ami import frame
from gateway.tests.real_asterisk.real_platform import ALICE, OBSERVER_SECRET, Platform


class Ami:
    """A plain AMI session: actions, and every event kept to be awaited."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.events: list[dict[str, str]] = []
        self.changed = asyncio.Condition()
        self.task = asyncio.create_task(self._read())
        self.asked = 0

    @classmethod
    async def login(cls, platform: Platform, *, observer: bool = False) -> Ami:
        if observer:
            username, secret = "observer", OBSERVER_SECRET
        else:
            found = re.search(r"secret = (\S+)", (platform.etc / "manager_secret.conf").read_text())
            assert found
            username, secret = "gateway", found.group(1)
        reader, writer = await asyncio.open_connection("127.0.0.1", platform.ports["AMI_PORT"])
        await reader.readline()
        ami = cls(reader, writer)
        await ami.send(Action="Login", Username=username, Secret=secret, ActionID="login")
        answer = await ami.wait_for(lambda e: e.get("ActionID") == "login")
        assert answer.get("Response") == "Success", answer
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

    async def action(self, **fields: str) -> dict[str, str]:
        """Sends an action and returns Asterisk's response to it."""
        self.asked += 1
        action_id = f"story-{self.asked}"
        await self.send(**fields, ActionID=action_id)
        return await self.wait_for(lambda e: e.get("ActionID") == action_id and "Response" in e, within=10)

    async def wait_for(
        self, matches: Callable[[dict[str, str]], bool], within: float = 90, after: int = 0
    ) -> dict[str, str]:
        """The first event (from index ``after``) that ``matches``, awaited up to ``within`` s."""

        async def found() -> dict[str, str]:
            async with self.changed:
                while True:
                    for event in self.events[after:]:
                        if matches(event):
                            return event
                    await self.changed.wait()

        return await asyncio.wait_for(found(), within)

    def mark(self) -> int:
        """Where the events are now: ``wait_for(..., after=mark)`` sees only later ones."""
        return len(self.events)

    async def close(self) -> None:
        self.task.cancel()
        self.writer.close()


class Bus:
    """Every message on the platform's bus (NATS, as the operator) from the moment it starts."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self.arrived = asyncio.Condition()

    async def __aenter__(self) -> Bus:
        self.nc = await nats.connect(self.url)

        async def received(msg: Any) -> None:
            with contextlib.suppress(ValueError):
                async with self.arrived:
                    self.messages.append((msg.subject, json.loads(msg.data)))
                    self.arrived.notify_all()

        await self.nc.subscribe(">", cb=received)
        await self.nc.flush()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.nc.close()

    async def next(self, subject: str, within: float = 90, **fields: Any) -> dict[str, Any]:
        """The first message on ``subject`` whose payload has ``fields``."""

        def found() -> dict[str, Any] | None:
            for s, payload in self.messages:
                if s == subject and all(payload.get(k) == v for k, v in fields.items()):
                    return payload
            return None

        try:
            async with self.arrived:
                await asyncio.wait_for(self.arrived.wait_for(lambda: found() is not None), within)
        except TimeoutError:
            seen = [(s, p) for s, p in self.messages if s.startswith(subject.rsplit(".", 2)[0])]
            raise AssertionError(f"no {subject} with {fields} in {within} s; seen: {seen[-5:]}") from None
        result = found()
        assert result is not None
        return result

    def all(self, subject: str, **fields: Any) -> list[dict[str, Any]]:
        return [p for s, p in self.messages if s == subject and all(p.get(k) == v for k, v in fields.items())]


async def eventually(check: Callable[[], Awaitable[Any]], within: float = 90) -> Any:
    """Polls a service's REST answer (no event to await there) until ``check`` returns a value."""
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, "not within the time"
        await asyncio.sleep(0.5)


async def call_in(
    ami: Ami, to: str, *, says: str = "sn/menu-main", gives_up_after_ms: int | None = None
) -> None:
    """A carrier call from +447700900555 to ``to``, through a Local channel (sn-demo-caller):
    Local/<digits>@sn-demo-caller-…;1 is the caller, who plays ``says`` once answered."""
    fields = {
        "Action": "Originate",
        "Channel": f"Local/{to.lstrip('+')}@sn-demo-caller",
        "Application": "Playback",
        "Data": says,
        "Async": "true",
    }
    if gives_up_after_ms is not None:
        fields["Timeout"] = str(gives_up_after_ms)
    await ami.send(**fields)


async def plan_of(platform: Platform, to: str, as_user: str = ALICE.user_id) -> dict[str, Any]:
    """Routing's explain mode: where a call to ``to`` goes now, and why (Alice: the administrator)."""
    async with platform.client("ROUTING_PORT", as_user) as routing:
        answer = await routing.get("/v1/route", params={"to": to})
    answer.raise_for_status()
    return dict(answer.json())


async def routed(
    platform: Platform, to: str, wanted: Callable[[dict[str, Any]], bool], as_user: str = ALICE.user_id
) -> dict[str, Any]:
    """Waits until routing (which learns from the bus) plans a call to ``to`` as ``wanted``."""

    async def check() -> dict[str, Any] | None:
        plan = await plan_of(platform, to, as_user)
        return plan if wanted(plan) else None

    try:
        return dict(await eventually(check, within=30))
    except AssertionError:
        raise AssertionError(f"routing still plans {await plan_of(platform, to, as_user)}") from None


async def calls_of(platform: Platform, user_id: str = "me") -> list[dict[str, Any]]:
    """Routing's call records (§8.2): Alice's own, or as the administrator anyone's (``*``: all)."""
    async with platform.client("ROUTING_PORT") as routing:
        return list((await routing.get("/v1/calls", params={"user_id": user_id})).json())
