"""FastAGI on panoramisk, patched where it traps (TELEPHONY.md).

panoramisk 1.4 reads the header block with ``read()`` until it sees a blank line: a
client that connects and closes first makes it spin for ever on ``b''``, freezing the
event loop. Here the header block is read with ``readuntil(b"\\n\\n")`` under a timeout,
and EOF ends the conversation. Command replies are read the same careful way: EOF or
``HANGUP`` raise ``Hangup`` instead of failing to parse.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from panoramisk import fast_agi
from panoramisk.utils import parse_agi_result

from smartnumbers_gateway.asterisk.wire_text import agi_command, agi_quoted, agi_word

log = logging.getLogger(__name__)


class Hangup(Exception):
    """The channel hung up (or Asterisk went away) during the conversation."""


class AgiError(Exception):
    """Asterisk refused a command (510, 511, 520)."""


class AgiRequest(fast_agi.Request):
    """One conversation: the ``agi_*`` headers and the commands sent back."""

    _dead_ok = False
    """Reading ``variables_after``: a ``HANGUP`` line is skipped, not the conversation's end."""

    async def _read_result(self) -> dict[str, Any]:
        while True:
            line = await self.reader.readline()
            if not line:
                raise Hangup("Asterisk closed the connection")
            text = line.decode(self.encoding).rstrip("\r\n")
            if text != "HANGUP":
                break
            if not self._dead_ok:
                raise Hangup("the channel hung up")
            # Asterisk goes on answering the commands it allows on a dead channel.
        if not text[:3].isdigit():
            raise AgiError(f"unreadable reply {text!r}")
        result = parse_agi_result(text)
        result["raw"] = text  # parse_agi_result drops "(timeout)" from an empty GET DATA
        return result

    async def send_command(self, command: str) -> dict[str, Any]:
        """Every command goes out here: one line, refused if it could end itself early."""
        return await super().send_command(agi_command(command))  # type: ignore[no-any-return]

    async def command(self, command: str) -> dict[str, Any]:
        result = await self.send_command(command)
        if result.get("status_code") == 511:
            raise Hangup("dead channel")
        if result.get("error") == "AGIResultHangup":
            raise Hangup(result.get("msg", "hangup"))
        if result.get("error") in ("AGIInvalidCommand", "AGIUsageError", "AGIUnknownError"):
            raise AgiError(f"{command!r}: {result.get('msg') or result.get('error')}")
        return result

    async def get_variable(self, name: str) -> str | None:
        result = await self.command(f"GET VARIABLE {agi_word(name, 'variable name')}")
        value, data = result.get("result", ("0", ""))
        return data if value == "1" else None

    async def variables_after(self, *names: str) -> dict[str, str | None]:
        """Channel variables an application just set, read even when the channel hung up
        during it (ReceiveFAX, SendFAX: the far end hangs up when it is done). Asterisk runs
        GET VARIABLE on a dead channel (res_agi marks it so); its ``HANGUP`` line is skipped."""
        self._dead_ok = True
        try:
            return {name: await self.get_variable(name) for name in names}
        finally:
            self._dead_ok = False

    async def set_variable(self, name: str, value: str | int) -> None:
        await self.command(f"SET VARIABLE {agi_word(name, 'variable name')} {agi_quoted(value, name)}")

    async def set_variables(self, variables: dict[str, str]) -> None:
        """All at once, in one round trip: ``EXEC MSet "A=1,B=2"`` (MSet is in Asterisk's core).

        Values must not contain commas, quotes or spaces (MSet's separators); a value that
        does is set on its own with SET VARIABLE.
        """
        simple = {k: v for k, v in variables.items() if not any(c in str(v) for c in ',"\\ ')}
        if simple:
            data = ",".join(f"{agi_word(k, 'variable name')}={v}" for k, v in simple.items())
            await self.command(f"EXEC MSet {agi_quoted(data)}")
        for name, value in variables.items():
            if name not in simple:
                await self.set_variable(name, value)

    @property
    def args(self) -> list[str]:
        found = []
        for i in range(1, 100):
            value = self.headers.get(f"agi_arg_{i}")
            if value is None:
                break
            found.append(value)
        return found


Route = Callable[[AgiRequest], Awaitable[None]]


class FastAgiServer(fast_agi.Application):
    """panoramisk's Application with a safe connection handler."""

    def __init__(self, header_timeout: float = 2.0) -> None:
        super().__init__(loop=asyncio.get_running_loop())
        self.header_timeout = header_timeout
        self.conversations = 0
        self.refused = 0

    def add_route(self, path: str, endpoint: Route) -> None:
        """panoramisk's add_route wraps anything not an ``async def`` with ``asyncio.coroutine``,
        gone since Python 3.11; any callable returning an awaitable is fine here."""
        if path in self._route:
            raise ValueError(f"a FastAGI route {path!r} exists already")
        self._route[path] = endpoint

    async def handler(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            try:
                async with asyncio.timeout(self.header_timeout):  # no task per connection, unlike wait_for
                    block = await reader.readuntil(b"\n\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
                self.refused += 1
                return  # closed, stalled or garbage before the blank line: nothing to do
            lines = block.decode(self.default_encoding, errors="replace").splitlines()
            headers: OrderedDict[str, str] = OrderedDict()
            for line in lines:
                if ": " in line:
                    key, _, value = line.partition(": ")
                    headers[key] = value
            script = headers.get("agi_network_script", "")
            route = self._route.get(script.split("?", 1)[0])
            if route is None:
                log.error("no FastAGI route for %r", script)
                return
            self.conversations += 1
            request = AgiRequest(self, headers, reader, writer, self.default_encoding)
            try:
                await route(request)
            except Hangup:
                log.info("caller hung up during %s", script)
            except AgiError as e:
                log.warning("%s: Asterisk refused a command: %s", script, e)
            except Exception:
                log.exception("FastAGI %s failed", script)
        finally:
            writer.close()

    async def serve(self, host: str, port: int, backlog: int) -> asyncio.Server:
        return await asyncio.start_server(self.handler, host, port, backlog=backlog)
