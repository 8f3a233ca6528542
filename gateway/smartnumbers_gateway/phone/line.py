"""The person on the line: what they hear (prompts, digits, dates, recordings) and what
they press, type or say — the AGI commands for each, in one place."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from smartnumbers_gateway.asterisk.fastagi import AgiRequest, Hangup
from smartnumbers_gateway.asterisk.wire_text import agi_digits, agi_quoted, agi_word

log = logging.getLogger(__name__)

KEY_SECONDS = 6
ENTRY_SECONDS = 10
MAX_RECORDING_MS = 180_000
SILENCE_SECONDS = 5


@dataclass(frozen=True)
class Digits:
    value: str


@dataclass(frozen=True)
class Number:
    value: int


@dataclass(frozen=True)
class DateTime:
    epoch: int
    zone: str = "Europe/London"


@dataclass(frozen=True)
class Audio:
    """A recording fetched into the spool (path without extension), from a sample offset."""

    path: str
    offset: int = 0


Item = str | Digits | Number | DateTime | Audio


def _code(result: dict) -> int:
    try:
        return int(result.get("result", ("0", ""))[0] or 0)
    except ValueError:
        return 0


class Line:
    def __init__(self, request: AgiRequest, spool: Path) -> None:
        self.request = request
        self.spool = spool
        self.stopped_at = 0
        """Where the last recording played stopped (samples): the end, or where a key cut it."""
        self.hung_up = False
        """The person hung up during the last recording (what they said before is kept)."""

    async def play(self, *items: Item | None, keys: str = "") -> str | None:
        """Play in order; the first of ``keys`` pressed stops it and is returned."""
        escape = agi_quoted(keys)
        for item in items:
            if item is None:
                continue
            if isinstance(item, Digits):
                result = await self.request.command(f"SAY DIGITS {agi_digits(item.value)} {escape}")
            elif isinstance(item, Number):
                result = await self.request.command(f"SAY NUMBER {int(item.value)} {escape}")
            elif isinstance(item, DateTime):
                result = await self.request.command(
                    f"SAY DATETIME {item.epoch} {escape} \"ABdY 'digits/at' IMp\" {item.zone}"
                )
            elif isinstance(item, Audio):
                result = await self.request.command(
                    f"STREAM FILE {agi_word(item.path)} {escape} {int(item.offset)}"
                )
                self.stopped_at = int(result.get("endpos", ("0", ""))[0] or 0)
            else:
                result = await self.request.command(f"STREAM FILE {agi_word(item)} {escape}")
            code = _code(result)
            if code > 0:
                return chr(code)
        return None

    async def wait_key(self, seconds: int = KEY_SECONDS) -> str | None:
        code = _code(await self.request.command(f"WAIT FOR DIGIT {seconds * 1000}"))
        return chr(code) if code > 0 else None

    async def enter(self, prompt: str, max_digits: int = 20) -> str | None:
        """Digits typed after the prompt, ended by ``#`` ("" for ``#`` alone); None if
        nothing came in time."""
        result = await self.request.command(
            f"GET DATA {agi_word(prompt)} {ENTRY_SECONDS * 1000} {max_digits}"
        )
        typed = result.get("result", ("", ""))[0]
        if not typed and "(timeout)" in result.get("raw", ""):
            return None
        return typed

    async def record(self, max_ms: int = MAX_RECORDING_MS) -> bytes | None:
        """After the tone until ``#``, silence or hanging up: what was said (None: nothing).

        Hanging up ends the recording (what was said is kept, ``hung_up`` is set); the
        caller decides whether a recording made while hanging up still counts."""
        recording = self.spool / "recordings" / uuid.uuid4().hex
        recording.parent.mkdir(parents=True, exist_ok=True)
        hung_up = False
        command = f'RECORD FILE {agi_word(recording)} wav "#" {max_ms} BEEP s={SILENCE_SECONDS}'
        try:
            result = await self.request.command(command)
            if "randomerror" in str(result):
                # Asterisk could not play the tone (a build without the core sound "beep"):
                # nothing was recorded. Say so, and record without the tone rather than lose it.
                log.warning(
                    "RECORD FILE failed (%s): is Asterisk's sound 'beep' installed? recording without it",
                    result,
                )
                await self.request.command(command.replace(" BEEP ", " "))
        except Hangup:
            hung_up = True
        wav = recording.with_suffix(".wav")
        try:
            data = wav.read_bytes() if wav.exists() and wav.stat().st_size > 44 else None
        finally:
            wav.unlink(missing_ok=True)
        self.hung_up = hung_up
        return data
