"""Does Asterisk have the sounds and the music on hold the flows play? Asked at every AMI login.

The gateway originates ``Local/check@sn-selfcheck`` (extensions.conf), whose one FastAGI
request (``selfcheck``) looks, from inside Asterisk, for each sound file in every format
Asterisk may play (``STAT`` in ``GET FULL VARIABLE``: AMI itself may not read ``STAT``) and
plays the music-on-hold class ``default`` for one second (``MusicOnHold`` ends at once, and
without an error, when the class has no files). Each missing one is a WARNING and a failed
check in ``/readyz``; the flows still speak without them (a held caller hears the
please-hold prompt again, a voicemail is recorded without its beep).
"""

from __future__ import annotations

import logging
import time

from smartnumbers_gateway.asterisk.fastagi import AgiRequest

log = logging.getLogger(__name__)
CORE_SOUNDS = ("beep", "vm-goodbye", "goodbye", *(f"digits/{n}" for n in range(10)))
"""Asterisk's core sounds the flows play (voicemail's beep, goodbyes, digits said)."""
PROMPTS = ("sn/please-hold", "sn/still-on-hold", "sn/not-available-leave-message", "sn/menu-main")
"""The system prompts (prompts.txt) a caller hears first on the main flows."""
FORMATS = ("wav", "gsm", "ulaw", "alaw", "sln", "g722")
MOH_CLASS = "default"
MOH_SECONDS = 1


def stat_expression(sound: str) -> str:
    """One ``1`` per file of ``sound`` found, in the channel's language folder or the sounds root."""
    folders = ("${ASTDATADIR}/sounds/${CHANNEL(language)}", "${ASTDATADIR}/sounds")
    return "".join(f"${{STAT(e,{folder}/{sound}.{ext})}}" for folder in folders for ext in FORMATS)


class MediaCheck:
    def __init__(self, sounds: tuple[str, ...] = CORE_SOUNDS + PROMPTS) -> None:
        self.sounds = sounds
        self.checked = False
        self.missing_sounds: list[str] = []
        self.music_on_hold = True

    def checks(self) -> dict[str, bool]:
        if not self.checked:
            return {}  # until Asterisk ran the check (a reconnect starts it again)
        checks = {"asterisk_sounds": not self.missing_sounds, f"asterisk_moh_{MOH_CLASS}": self.music_on_hold}
        return checks | {f"asterisk_sound_{name}": False for name in self.missing_sounds}

    async def __call__(self, request: AgiRequest) -> None:
        """``AGI(agi://gateway/selfcheck)`` on the self-check's Local channel."""
        await request.command("ANSWER")
        missing = []
        for sound in self.sounds:
            reply = await request.command(f'GET FULL VARIABLE "{stat_expression(sound)}"')
            if "1" not in _value(str(reply.get("raw", ""))):
                missing.append(sound)
        started = time.monotonic()
        await request.command(f"EXEC MusicOnHold {MOH_CLASS},{MOH_SECONDS}")
        music = time.monotonic() - started >= MOH_SECONDS * 0.8
        self.missing_sounds, self.music_on_hold, self.checked = missing, music, True
        if missing:
            log.warning(
                "Asterisk has no sound file for %s (in %s): callers hear nothing there; install "
                "Asterisk's core sounds and build the prompts (deploy/asterisk/README.md)",
                ", ".join(missing),
                "/".join(FORMATS),
            )
        if not music:
            log.warning(
                "Asterisk's music-on-hold class %r plays nothing (res_musiconhold, musiconhold.conf, "
                "files in moh/): callers on Please Hold hear the please-hold prompt again instead",
                MOH_CLASS,
            )
        log.info("Asterisk self-check: %d sound(s) missing, music on hold %s", len(missing), music)


def _value(text: str) -> str:
    """``200 result=1 (1000)`` → ``1000``; nothing when the variable is unset."""
    return text[text.find("(") + 1 : text.rfind(")")] if "(" in text else ""
