"""What several menus do alike: fetch and play a recording, find a recipient by number and
confirm them by their recorded name, read a number someone types."""

from __future__ import annotations

import uuid
import wave
from datetime import datetime
from pathlib import Path

import phonenumbers

from smartnumbers_gateway.asterisk.fastagi import Hangup
from smartnumbers_gateway.clients.mailbox import spool_file
from smartnumbers_gateway.phone import keys
from smartnumbers_gateway.phone.dialogs import confirmed
from smartnumbers_gateway.phone.line import Audio, DateTime, Digits
from smartnumbers_gateway.phone.session import PhoneSession, Refused

ON_OFF = {True: "sn/is-on", False: "sn/is-off"}


def on_off(value: bool) -> str:
    return ON_OFF[bool(value)]


async def fetch(session: PhoneSession, path: str) -> Path:
    """A recording from the mailbox into the spool Asterisk plays from (``.wav``, or
    ``.wav16`` at 16 kHz: recordings made on the web are)."""
    r = await session.mailbox.call("GET", path)
    return spool_file(session.line.spool / "phone" / f"{uuid.uuid4().hex}.wav", r.content)


async def when(session: PhoneSession, iso: str) -> DateTime:
    """A date from the mailbox, to be said in the owner's time zone."""
    if session.time_zone is None:
        session.time_zone = (await session.mailbox.get(session.my_mailbox))["time_zone"]
    return DateTime(int(datetime.fromisoformat(iso).timestamp()), session.time_zone)


def sample_rate(wav: Path) -> int:
    try:
        with wave.open(str(wav)) as w:
            return w.getframerate()
    except (wave.Error, EOFError):
        return 8000


async def play_recording(session: PhoneSession, path: str, keys_: str = "", offset: int = 0) -> str | None:
    audio = await fetch(session, path)
    try:
        return await session.line.play(Audio(str(audio.with_suffix("")), offset), keys=keys_)
    finally:
        audio.unlink(missing_ok=True)


async def play_bytes(session: PhoneSession, wav: bytes) -> None:
    audio = spool_file(session.line.spool / "phone" / f"{uuid.uuid4().hex}.wav", wav)
    try:
        await session.line.play(Audio(str(audio.with_suffix(""))), keys=keys.CONFIRM)
    finally:
        audio.unlink(missing_ok=True)


async def name_of(session: PhoneSession, kind: str, owner: str, number: str | None) -> Digits | Audio | None:
    """Their recorded name (fetched, to be played and removed), else their number spoken."""
    try:
        audio = await fetch(session, f"/v1/mailboxes/{kind}s/{owner}/greetings/name/audio")
    except Refused:
        return Digits(number) if number else None
    return Audio(str(audio.with_suffix("")))


def forget(item: object) -> None:
    """Remove a recording fetched for playing (``name_of``), whatever its extension."""
    if isinstance(item, Audio):
        for extension in (".wav", ".wav16"):
            Path(f"{item.path}{extension}").unlink(missing_ok=True)


async def find_recipient(session: PhoneSession, users_only: bool = False) -> tuple[str, str] | None:
    """The user (or team) whose number is typed, once the person confirms their name; None: cancelled."""
    line = session.line
    typed = await line.enter("sn/enter-number")
    if not typed:
        await line.play("sn/cancelled")
        return None
    try:
        found = await session.directory.get(
            "/v1/reverse-lookup", params={"number": typed, "callee": session.user_id}
        )
    except Refused:
        found = None
    allowed = ("user",) if users_only else ("user", "team")
    if (
        found is None
        or found["kind"] not in allowed
        or (found["kind"], found["id"]) == ("user", session.user_id)
    ):
        await line.play("sn/number-unknown")
        return None
    name = await name_of(session, found["kind"], found["id"], typed)
    try:
        ok = await confirmed(session, name, "sn/is-the-recipient")
    finally:
        forget(name)
    return (found["kind"], found["id"]) if ok else None


def dialable(typed: str | None, country: str = "GB") -> str | None:
    """Digits typed on a keypad as E.164 (national or international), or None."""
    if not typed:
        return None
    candidate = f"+{typed[2:]}" if typed.startswith("00") else typed
    try:
        number = phonenumbers.parse(candidate, country)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


async def number_or_here(session: PhoneSession) -> str | None:
    """A number typed, or ``#`` alone for the one the person is calling from; read back, confirmed."""
    typed = await session.line.enter("sn/enter-number-or-hash")
    if typed is None:
        await session.line.play("sn/cancelled")
        return None
    number = session.calling_from if typed == "" else dialable(typed)
    if number is None:
        await session.line.play("sn/number-not-valid")
        return None
    return number if await confirmed(session, Digits(number), "sn/press-hash-to-confirm") else None


async def recorded(session: PhoneSession, keep_if_hung_up: bool) -> bytes | None:
    """A recording after the tone. Hanging up ends it: kept (then Hangup) when the guide says
    hanging up sends it, else dropped — a greeting is saved only once the person hears it was."""
    await session.line.play("sn/record-after-tone")
    data = await session.line.record()
    if session.line.hung_up and not keep_if_hung_up:
        raise Hangup("hung up while recording")
    if data is None and not session.line.hung_up:
        await session.line.play("sn/nothing-recorded")
    return data
