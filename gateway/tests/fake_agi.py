"""FAKE Asterisk, FastAGI side: a client that speaks to the gateway exactly as Asterisk does.

Built from the traffic recorded from a real Asterisk (tests/transcripts/, copied from
shared/asterisk-transcripts/): the header block is the recorded one, with this call's
channel, numbers and arguments put in; replies are the recorded replies' forms.
"""

from __future__ import annotations

import asyncio
import functools
import re
import wave
from dataclasses import dataclass, field
from pathlib import Path

TRANSCRIPTS = Path(__file__).parent / "transcripts"


@functools.cache
def recorded_header_block() -> tuple[tuple[str, str], ...]:
    """The header block of the first recorded FastAGI conversation, in Asterisk's order."""
    text = (TRANSCRIPTS / "fastagi-conversations.txt").read_text()
    block = text.split("--- asterisk\n", 1)[1].split("\n\n", 1)[0]
    return tuple(
        tuple(line.split(": ", 1)) if ": " in line else (line.rstrip(":"), "") for line in block.splitlines()
    )


@dataclass
class FakeAgiChannel:
    """One channel running ``AGI(agi://host:port/<script>,<args>)``."""

    port: int
    script: str = "incoming"
    args: list[str] = field(default_factory=list)
    extension: str = "441632960001"
    callerid: str = "447700900555"
    calleridname: str = "Lucy Caller"
    uniqueid: str = "1795769518.1"
    variables: dict[str, str] = field(default_factory=dict)
    sent: list[str] = field(default_factory=list)
    """Every command the gateway sent, in order."""
    hang_up_after: int | None = None
    """Reply HANGUP instead of the n-th command's result (the caller hung up)."""
    presses: str = ""
    """Keys the person presses, one per prompt or wait, in order ('-' for none)."""
    missing_files: set[str] = field(default_factory=set)
    """Sound files Asterisk would not find (STREAM FILE answers result=-1, as recorded)."""
    played: list[str] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)
    """What the person types at each GET DATA (a PIN), in order."""
    says: bytes | None = None
    """What the caller says after the beep: Asterisk writes it to RECORD FILE's path (a WAV)."""
    hangs_up_while_recording: bool = False
    without_beep: bool = False
    """An Asterisk without the core sound 'beep': RECORD FILE … BEEP fails as a real one does."""
    keypad: str | None = None
    """A person at a phone menu: the keys they press whenever the gateway listens, in order —
    at a prompt whose escape digits include the next key (cutting it short), at WAIT FOR
    DIGIT, and digits up to '#' at GET DATA (the '#' ends the entry). '-' lets a wait time
    out. When the keys run out, the person hangs up."""
    hung_up: bool = False
    music_on_hold: bool = True
    """Whether the music-on-hold class plays (MusicOnHold lasts its duration) or ends at once."""
    files_played: list[str] = field(default_factory=list)
    """Spool files (absolute paths) Asterisk opened for STREAM FILE, with the extension it chose."""
    fax_sends: bytes | None = None
    """A fax machine calling: what ReceiveFAX writes to its path (a TIFF; partial when it fails)."""
    fax_result: dict[str, str] = field(default_factory=dict)
    """What ReceiveFAX / SendFAX set, over a success (FAXSTATUS, FAXPAGES, FAXERROR, REMOTESTATIONID)."""
    fax_machine_hangs_up: bool = True
    """The fax machine hangs up when done: EXEC answers result=-1, then ``HANGUP`` (as res_agi)."""
    faxes_sent: list[bytes] = field(default_factory=list)
    """What SendFAX found at its path, each time it ran."""
    missing_apps: set[str] = field(default_factory=set)
    """Applications this Asterisk lacks (no res_fax): EXEC answers result=-2."""

    def header_block(self) -> bytes:
        values = {
            "agi_network_script": self.script,
            "agi_request": f"agi://127.0.0.1:{self.port}/{self.script}",
            "agi_channel": f"Local/{self.extension}@from-trunk-00000000;2",
            "agi_uniqueid": self.uniqueid,
            "agi_callerid": self.callerid,
            "agi_calleridname": self.calleridname,
            "agi_extension": self.extension,
        }
        lines = []
        for key, value in recorded_header_block():
            if key.startswith("agi_arg_"):
                continue
            lines.append(f"{key}: {values.get(key, value)}")
        lines += [f"agi_arg_{i}: {arg}" for i, arg in enumerate(self.args, 1)]
        return ("\n".join(lines) + "\n\n").encode()

    def reply(self, command: str) -> str:
        if m := re.fullmatch(r'EXEC (ReceiveFAX|SendFAX) "?(.*?)"?', command):
            return self._fax(m.group(1), Path(m.group(2)))
        if self.without_beep and re.fullmatch(r"RECORD FILE .* BEEP .*", command):
            return "200 result=-1 (randomerror) endpos=0"  # as a build without the sound 'beep'
        if self.keypad is not None:
            return self._keypad_reply(command)
        return self._reply(command)

    def _keypad_reply(self, command: str) -> str:
        """As ``_reply``, with the keys taken from ``keypad`` where the gateway listens for them."""
        if self.hung_up and not command.startswith("GET VARIABLE"):  # res_agi runs it on a dead channel
            return "HANGUP"
        if m := re.fullmatch(r'(STREAM FILE|SAY DIGITS|SAY NUMBER|SAY DATETIME) (\S+) "([^"]*)".*', command):
            verb, what, escape = m.groups()
            if verb == "STREAM FILE" and (
                what in self.missing_files or what.startswith("does-not-exist") or not self._opens(what)
            ):
                return "200 result=-1 endpos=0"
            self.played.append(
                {
                    "SAY DIGITS": "digits:",
                    "SAY NUMBER": "number:",
                    "SAY DATETIME": "datetime:",
                    "STREAM FILE": "",
                }[verb]
                + what
            )
            key = self.keypad[:1]
            pressed = key if key and key != "-" and key in escape else None
            if pressed:
                self.keypad = self.keypad[1:]
            code = ord(pressed) if pressed else 0
            return f"200 result={code} endpos=8000" if verb == "STREAM FILE" else f"200 result={code}"
        if command.startswith("WAIT FOR DIGIT"):
            if not self.keypad:
                return self._hang_up()
            key, self.keypad = self.keypad[0], self.keypad[1:]
            return f"200 result={0 if key == '-' else ord(key)}"
        if command.startswith("GET DATA"):
            self.played.append(command.split()[2])
            if not self.keypad:
                return self._hang_up()
            typed = ""
            while self.keypad:
                key, self.keypad = self.keypad[0], self.keypad[1:]
                if key == "#":
                    return f"200 result={typed}"
                if key == "-":
                    return f"200 result={typed} (timeout)"
                typed += key
            return self._hang_up()
        if m := re.fullmatch(r"RECORD FILE (\S+) (\S+) .*", command):
            if self.says is not None:
                Path(f"{m.group(1)}.{m.group(2)}").write_bytes(self.says)
            if self.hangs_up_while_recording or not self.keypad:
                self.hung_up = True
                return "200 result=-1 (hangup) endpos=16000"
            if self.keypad.startswith("#"):
                self.keypad = self.keypad[1:]
                return "200 result=35 (dtmf) endpos=16000"
            return "200 result=0 (timeout) endpos=16000"
        if command == "HANGUP":
            self.hung_up = True
            return "200 result=1"
        return self._reply(command)

    def _fax(self, app: str, path: Path) -> str:
        """res_fax on this channel: the file written (ReceiveFAX) or read (SendFAX), the result
        in channel variables, and the machine hanging up when it is done."""
        if app in self.missing_apps:
            return "200 result=-2"
        if app == "ReceiveFAX":
            if self.fax_sends is not None:
                path.write_bytes(self.fax_sends)
            result = {"FAXSTATUS": "SUCCESS", "FAXPAGES": "1", "FAXERROR": "", **self.fax_result}
        elif path.is_file():
            self.faxes_sent.append(path.read_bytes())
            result = {"FAXSTATUS": "SUCCESS", "FAXPAGES": "1", "FAXERROR": "", **self.fax_result}
        else:  # as res_fax: SendFAX of a file that is not there
            result = {"FAXSTATUS": "FAILED", "FAXPAGES": "0", "FAXERROR": "FILE_ERROR"}
        self.variables.update({"REMOTESTATIONID": "+44 1632 960444", **result})
        if not self.fax_machine_hangs_up:
            return "200 result=0"
        self.hung_up = True
        return "200 result=-1\nHANGUP"

    def _opens(self, name: str) -> bool:
        """Whether Asterisk would open ``name`` (no extension): system prompts are taken to
        exist; a spool file must, as format_wav accepts it — ``.wav`` 8 kHz, ``.wav16`` 16 kHz
        ("Unexpected frequency mismatch" otherwise)."""
        if not name.startswith("/"):
            return True
        for extension, rate in ((".wav", 8000), (".wav16", 16000)):
            path = Path(name + extension)
            if path.exists():
                with wave.open(str(path)) as w:
                    if w.getframerate() == rate and w.getnchannels() == 1 and w.getsampwidth() == 2:
                        self.files_played.append(str(path))
                        return True
        return False

    def _hang_up(self) -> str:
        self.hung_up = True
        return "HANGUP"

    def _reply(self, command: str) -> str:
        if m := re.fullmatch(r'GET FULL VARIABLE "(.*)"', command):
            # ${STAT(e,<folder>/<sound>.<format>)} for each folder and format: '1' where a file is.
            found = [
                "0"
                if sound in self.missing_files or fmt != "wav" or "${CHANNEL(language)}" not in folder
                else "1"
                for folder, sound, fmt in re.findall(
                    r"\$\{STAT\(e,(.*?sounds(?:/\$\{CHANNEL\(language\)\})?)/(.+?)\.(\w+)\)\}", m.group(1)
                )
            ]
            return f"200 result=1 ({''.join(found)})" if found else "200 result=0"
        if m := re.fullmatch(r"GET VARIABLE (\S+)", command):
            value = self.variables.get(m.group(1))
            return "200 result=0" if value is None else f"200 result=1 ({value})"
        if m := re.fullmatch(r'SET VARIABLE (\S+) "?(.*?)"?', command):
            self.variables[m.group(1)] = m.group(2).replace('\\"', '"').replace("\\\\", "\\")
            return "200 result=1"
        if m := re.fullmatch(r'EXEC MSet "?(.*?)"?', command):
            for pair in m.group(1).split(","):  # MSet(name1=value1,name2=value2,...)
                name, _, value = pair.partition("=")
                self.variables[name] = value
            return "200 result=0"
        if m := re.fullmatch(r"STREAM FILE (\S+) .*", command):
            if m.group(1) in self.missing_files or m.group(1).startswith("does-not-exist"):
                return "200 result=-1 endpos=0"  # as recorded for a missing file
            self.played.append(m.group(1))
            key = self._next_key()
            return f"200 result={ord(key) if key else 0} endpos=8000"
        if m := re.fullmatch(r"RECORD FILE (\S+) (\S+) .*", command):
            if self.says is not None:
                Path(f"{m.group(1)}.{m.group(2)}").write_bytes(self.says)
            if self.hangs_up_while_recording:
                return "200 result=-1 (hangup) endpos=16000"
            return "200 result=0 (timeout) endpos=16000"
        if m := re.fullmatch(r"SAY DIGITS (\S+) .*", command):
            self.played.append(f"digits:{m.group(1)}")
            return "200 result=0"
        if command.startswith("GET DATA"):
            digits = self.typed.pop(0) if self.typed else ""
            return f"200 result={digits}" if digits else "200 result= (timeout)"
        if command.startswith("WAIT FOR DIGIT"):
            key = self._next_key()
            return f"200 result={ord(key) if key else 0}"
        if command in ("ANSWER", "HANGUP") or command.startswith("EXEC "):
            return "200 result=0"
        return "510 Invalid or unknown command"

    def _next_key(self) -> str | None:
        if not self.presses:
            return None
        key, self.presses = self.presses[0], self.presses[1:]
        return None if key == "-" else key

    async def run(self, timeout: float = 5.0) -> FakeAgiChannel:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(self.header_block())
        await writer.drain()
        try:
            while True:
                line = await asyncio.wait_for(reader.readline(), timeout)
                if not line:
                    break  # the gateway is done with this call
                command = line.decode().rstrip("\n")
                self.sent.append(command)
                if self.hang_up_after is not None and len(self.sent) >= self.hang_up_after:
                    writer.write(b"HANGUP\n")
                    await writer.drain()
                    continue
                if (moh := re.fullmatch(r"EXEC MusicOnHold \S+?,(\d+)", command)) and self.music_on_hold:
                    await asyncio.sleep(int(moh.group(1)))  # the class plays for its duration
                writer.write((self.reply(command) + "\n").encode())
                await writer.drain()
        finally:
            writer.close()
        return self
