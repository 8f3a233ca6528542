"""FAKE Asterisk, AMI side: a TCP server that speaks Asterisk's AMI framing.

Its banner, login exchange and the calls it can replay are the traffic recorded from a
real Asterisk (tests/transcripts/ami-*.txt): ``play("incoming-answered")`` sends that
call's events, in order, to every logged-in client. Actions are answered ``Success``
(Originate as recorded), and kept in ``actions`` for tests to assert on.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from gateway.tests.transcripts import read


def frame(fields: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> bytes:
    return ("".join(f"{k}: {v}\r\n" for k, v in fields) + "\r\n").encode()


@dataclass
class FakeAmi:
    username: str = "gateway"
    secret: str = "s3cret"
    actions: list[dict[str, str]] = field(default_factory=list)
    received: bytearray = field(default_factory=bytearray)
    """Every byte the gateway wrote, as it came off the wire (injection tests read these)."""
    _writers: list[asyncio.StreamWriter] = field(default_factory=list)
    _server: asyncio.Server | None = None
    logins: int = 0
    channels: list[dict[str, str]] = field(default_factory=list)
    """The channels Asterisk has up now (what CoreShowChannels lists)."""
    _login_seen: asyncio.Event = field(default_factory=asyncio.Event)
    hold_originate: asyncio.Event | None = None
    """When given, an Originate is answered only once it is set (a call still ringing)."""
    originate_seen: asyncio.Event = field(default_factory=asyncio.Event)
    originate_reason: str | None = None
    """When given, an Originate's call is not answered: OriginateResponse says ``Failure`` with
    this Reason (5 busy, 3 no answer, 8 congestion) and no call events follow."""
    missing_modules: set[str] = field(default_factory=set)
    """Modules this Asterisk has not loaded: ModuleCheck answers as a real one does for them."""
    endpoints: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {"trunk": healthy_trunk()})
    """PJSIP endpoints → the detail events PJSIPShowEndpoint lists for each (as pjsip.conf made them)."""

    self_checks: list[dict[str, str]] = field(default_factory=list)
    """The gateway's self-check calls (Local/check@sn-selfcheck), kept apart from ``actions`` and
    ``received`` so that tests of calls see only calls."""
    self_check_seen: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self, port: int = 0) -> int:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", port)
        return self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.drop()
        if self._server:
            self._server.close()
            await self._server.wait_closed()

    def drop(self) -> None:
        """Asterisk restarts: every AMI connection is cut."""
        for writer in self._writers:
            writer.close()
        self._writers.clear()
        self._login_seen.clear()

    async def recorded_actions(self) -> list[dict]:
        """The actions received so far (awaitable, for polling helpers)."""
        return list(self.actions)

    async def logged_in(self, timeout: float = 10.0) -> None:
        await asyncio.wait_for(self._login_seen.wait(), timeout)

    async def event(self, fields: dict[str, str]) -> None:
        """One event to every logged-in client (e.g. a ContactStatus as a qualify fails)."""
        for writer in self._writers:
            writer.write(frame(list(fields.items())))
            await writer.drain()

    async def play(self, scenario: str, until: str | None = None) -> None:
        """Send a recorded call's events (Asterisk's side only) to the logged-in clients,
        all of them or up to the first event named ``until``."""
        _, messages = read(scenario)
        for message in messages:
            if (
                not message.sent_by_client
                and message.get("Event")
                and message.get("Event") != "OriginateResponse"
            ):
                for writer in self._writers:
                    writer.write(frame(message.fields))
                if until and message.get("Event") == until:
                    break
        for writer in self._writers:
            await writer.drain()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        banner, recorded = read("login")
        writer.write((banner + "\r\n").encode())
        try:
            while True:
                block = await reader.readuntil(b"\r\n\r\n")
                if b"Channel: Local/check@sn-selfcheck\r\n" in block:
                    await self._self_check(block, writer)
                    continue
                self.received += block
                action: dict = {}
                for line in block.decode().split("\r\n"):
                    if ": " in line:
                        key, value = line.split(": ", 1)
                        # A repeated header (Originate's Variable) keeps every value, in order.
                        action[key] = (
                            [*action[key], value]
                            if isinstance(action.get(key), list)
                            else ([action[key], value] if key in action else value)
                        )
                await self._answer(action, writer, recorded)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            if writer in self._writers:
                self._writers.remove(writer)
            writer.close()

    async def _answer(self, action: dict[str, str], writer: asyncio.StreamWriter, login: list) -> None:
        action_id = action.get("ActionID", "")
        name = action.get("Action", "").lower()
        self.actions.append(action)
        if name == "login":
            if action.get("Username") == self.username and action.get("Secret") == self.secret:
                response = [m for m in login if not m.sent_by_client]
                writer.write(frame([(k, action_id if k == "ActionID" else v) for k, v in response[0].fields]))
                for event in response[1:]:
                    writer.write(frame(event.fields))
                self._writers.append(writer)
                self.logins += 1
                self._login_seen.set()
            else:
                writer.write(
                    frame(
                        [("Response", "Error"), ("ActionID", action_id), ("Message", "Authentication failed")]
                    )
                )
        elif name == "originate":
            self.originate_seen.set()
            if self.hold_originate is not None:
                await self.hold_originate.wait()
            # As recorded: the queued response, then the call's events and OriginateResponse.
            _, recorded_call = read("click-to-dial")
            for message in recorded_call:
                if message.sent_by_client:
                    continue
                fields = [(k, action_id if k == "ActionID" else v) for k, v in message.fields]
                if self.originate_reason is not None:
                    if message.get("Event") not in (None, "OriginateResponse"):
                        continue  # not answered: no call
                    failed = {"Response": "Failure", "Reason": self.originate_reason}
                    if message.get("Event") == "OriginateResponse":
                        fields = [(k, failed.get(k, v)) for k, v in fields]
                writer.write(frame(fields))
        elif name == "coreshowchannels":
            # As recorded: the list's start, one event per channel, the list's end.
            writer.write(
                frame(
                    [
                        ("Response", "Success"),
                        ("ActionID", action_id),
                        ("EventList", "start"),
                        ("Message", "Channels will follow"),
                    ]
                )
            )
            for channel in self.channels:
                writer.write(frame([("Event", "CoreShowChannel"), ("ActionID", action_id), *channel.items()]))
            writer.write(
                frame(
                    [
                        ("Event", "CoreShowChannelsComplete"),
                        ("ActionID", action_id),
                        ("EventList", "Complete"),
                        ("ListItems", str(len(self.channels))),
                    ]
                )
            )
        elif name == "modulecheck":
            if action.get("Module", "").removesuffix(".so") in self.missing_modules:
                writer.write(
                    frame([("Response", "Error"), ("ActionID", action_id), ("Message", "Module not loaded")])
                )
            else:
                writer.write(frame([("Response", "Success"), ("ActionID", action_id), ("Version", "")]))
        elif name == "pjsipshowendpoints":
            listing = [
                {"Event": "EndpointList", "ObjectType": "endpoint", "ObjectName": n, "Aor": n}
                for n in self.endpoints
            ]
            self._event_list(
                writer, action_id, "A listing of Endpoints follows", listing, "EndpointListComplete"
            )
        elif name == "pjsipshowendpoint":
            endpoint = action.get("Endpoint", "")
            if endpoint not in self.endpoints:
                writer.write(
                    frame(
                        [
                            ("Response", "Error"),
                            ("ActionID", action_id),
                            ("Message", f"Unable to retrieve endpoint {endpoint}"),
                        ]
                    )
                )
            else:
                details = [{**d, "EndpointName": endpoint} for d in self.endpoints[endpoint]]
                self._event_list(
                    writer,
                    action_id,
                    "Following are Events for each object",
                    details,
                    "EndpointDetailComplete",
                )
        elif name == "ping":
            writer.write(
                frame(
                    [
                        ("Response", "Success"),
                        ("ActionID", action_id),
                        ("Ping", "Pong"),
                        ("Timestamp", "1795769518.000000"),
                    ]
                )
            )
        else:
            writer.write(frame([("Response", "Success"), ("ActionID", action_id)]))
        await writer.drain()

    async def _self_check(self, block: bytes, writer: asyncio.StreamWriter) -> None:
        """Asterisk places the self-check call: queued, then answered (OriginateResponse)."""
        action = dict(line.split(": ", 1) for line in block.decode().split("\r\n") if ": " in line)
        self.self_checks.append(action)
        self.self_check_seen.set()
        action_id = action.get("ActionID", "")
        writer.write(
            frame(
                [
                    ("Response", "Success"),
                    ("ActionID", action_id),
                    ("Message", "Originate successfully queued"),
                ]
            )
        )
        writer.write(
            frame(
                [
                    ("Event", "OriginateResponse"),
                    ("ActionID", action_id),
                    ("Response", "Success"),
                    ("Channel", "Local/check@sn-selfcheck-00000001;1"),
                    ("Reason", "4"),
                ]
            )
        )
        await writer.drain()

    @staticmethod
    def _event_list(
        writer: asyncio.StreamWriter,
        action_id: str,
        message: str,
        events: list[dict[str, str]],
        complete: str,
    ) -> None:
        """As Asterisk lists: Success with EventList start, the events, then the Complete event."""
        writer.write(
            frame(
                [
                    ("Response", "Success"),
                    ("ActionID", action_id),
                    ("EventList", "start"),
                    ("Message", message),
                ]
            )
        )
        for event in events:
            rest = [(k, v) for k, v in event.items() if k != "Event"]
            writer.write(frame([("Event", event["Event"]), ("ActionID", action_id), *rest]))
        writer.write(
            frame(
                [
                    ("Event", complete),
                    ("ActionID", action_id),
                    ("EventList", "Complete"),
                    ("ListItems", str(len(events))),
                ]
            )
        )


def healthy_trunk(match: str = "192.0.2.0/24", contact_status: str = "NonQualified") -> list[dict[str, str]]:
    """The shipped [trunk]: an endpoint in from-trunk, its identify by address range, its contact."""
    details = [
        {"Event": "EndpointDetail", "ObjectType": "endpoint", "ObjectName": "trunk", "Context": "from-trunk"}
    ]
    if match:
        details.append(
            {
                "Event": "IdentifyDetail",
                "ObjectType": "identify",
                "ObjectName": "trunk",
                "Endpoint": "trunk",
                "Match": match,
            }
        )
    details.append(
        {
            "Event": "ContactStatusDetail",
            "AOR": "trunk",
            "URI": "sip:sip.carrier.example:5060",
            "Status": contact_status,
        }
    )
    return details


def desk_phone(endpoint: str, number: str, mailbox: str) -> list[dict[str, str]]:
    """A desk phone provisioned in from-phones, with its caller id and message-waiting mailbox."""
    return [
        {
            "Event": "EndpointDetail",
            "ObjectType": "endpoint",
            "ObjectName": endpoint,
            "Context": "from-phones",
            "Callerid": f'"{endpoint}" <{number}>',
            "Mailboxes": mailbox,
        }
    ]
