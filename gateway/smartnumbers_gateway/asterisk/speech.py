"""Words the prompts cannot know in advance ("Adam, there is a call from Lucy") spoken at run time.

espeak-ng (a Debian package in the gateway's image, as for the system prompts) speaks the
text, sox makes it 8 kHz mono WAV, in the spool directory Asterisk shares; the file is
named by a hash of the text, so each sentence is synthesised once. Without espeak-ng,
``say`` returns None and callers fall back to the fixed prompts.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import shutil
from pathlib import Path

log = logging.getLogger(__name__)


class Speech:
    def __init__(self, spool: Path, voice: str = "en-gb") -> None:
        self.directory = spool / "tts"
        self.voice = voice
        self.available = bool(shutil.which("espeak-ng") and shutil.which("sox"))
        self._locks: dict[str, asyncio.Lock] = {}

    async def say(self, text: str) -> str | None:
        """The file Asterisk should play for ``text`` (absolute path without extension), or None."""
        if not self.available:
            return None
        name = hashlib.sha256(f"{self.voice}:{text}".encode()).hexdigest()[:32]
        target = self.directory / f"{name}.wav"
        lock = self._locks.setdefault(name, asyncio.Lock())
        async with lock:
            if not target.exists():
                self.directory.mkdir(parents=True, exist_ok=True)
                raw = self.directory / f".{name}.raw.wav"
                if not await _run(
                    "espeak-ng", "-v", self.voice, "-s", "150", "-w", str(raw), text
                ) or not await _run("sox", str(raw), "-r", "8000", "-c", "1", "-b", "16", str(target)):
                    raw.unlink(missing_ok=True)
                    return None
                raw.unlink(missing_ok=True)
        return str(target.with_suffix(""))


async def _run(*command: str) -> bool:
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        log.error("%s failed: %s", command[0], err.decode(errors="replace")[:300])
    return process.returncode == 0
