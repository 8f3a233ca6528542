"""``make run`` with ``ASTERISK_BIN``: a private Asterisk on loopback with the shipped configuration.

``prepare`` writes a configuration directory under ``var/asterisk``:

- the files of ``deploy/asterisk`` as shipped, except for the ports ``make run`` picked:
  AMI on ``AMI_PORT``, PJSIP's transport on 127.0.0.1:``SIP_PORT``, ``SN_AGI`` pointing to
  the gateway's ``FASTAGI_PORT``;
- an ``asterisk.conf`` whose ``[directories]`` (a real section: Asterisk ignores a
  template) are all private: the spool is the gateway's ``SPOOL_DIR``, the sounds a
  private ``data`` folder;
- AMI for the user ``gateway`` with a fresh secret;
- the prompts (``deploy/asterisk/prompts.txt``) spoken with espeak-ng and sox when both
  are installed (once: a stamp keeps them until the text changes), the few core sounds
  the flows use when the build has none (``beep`` is generated without any tool), and a
  music-on-hold tone;
- demo phones: the gateway dials ``Local/<digits>@sn-demo-phones`` (``gateway_env``), a
  context where every number rings until the call's step times out, unless the developer
  said otherwise in Asterisk's database (``database put sn-demo <digits> answer``: see
  ``DEMO_PHONES``); and PJSIP endpoints ``demo-1`` … ``demo-3`` (password ``demo``) a
  softphone on the same machine registers to at 127.0.0.1:``SIP_PORT``.

``make run`` then starts ``$ASTERISK_BIN -f -C …`` and gives the gateway ``gateway_env()``.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import shutil
import struct
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

SHIPPED = Path(__file__).resolve().parents[3] / "deploy" / "asterisk"
DEMO_CONTEXT = "sn-demo-phones"
DEMO_DIAL_TEMPLATE = f"Local/{{digits}}@{DEMO_CONTEXT}"

# How a demo phone behaves, by the number dialled (without +): the value of
# ${DB(sn-demo/<digits>)}. Nothing set: it rings until the caller's step gives up.
#   answer       rings 2 s, answers, says who it is, stays on the line for a minute
#   answer-star  as answer, and presses star (accepts a call introduction)
#   busy         busy at once
DEMO_PHONES = f"""
; ---------------------------------------------------------------------------------
; make run only (gateway/smartnumbers_gateway/asterisk/dev_asterisk.py): the "phones" of a
; developer machine. The gateway dials Local/<digits>@{DEMO_CONTEXT}; what a number does is
; the database entry sn-demo/<digits>: answer, answer-star, busy, or nothing (rings).
;   asterisk -C var/asterisk/etc/asterisk.conf -rx "database put sn-demo 447700900123 answer"
[{DEMO_CONTEXT}]
exten => _X.,1,NoOp(demo phone ${{EXTEN}}: ${{DB(sn-demo/${{EXTEN}})}})
 same => n,Set(SN_DEMO_MODE=${{DB(sn-demo/${{EXTEN}})}})
 same => n,GotoIf($["${{SN_DEMO_MODE}}" = "busy"]?busy)
 same => n,GotoIf($["${{SN_DEMO_MODE:0:6}}" = "answer"]?answer)
 same => n,Ringing()
 same => n,Wait(3600)
 same => n,Hangup()
 same => n(answer),Ringing()
 same => n,Wait(2)
 same => n,Answer()
 same => n,Wait(1)
 same => n,ExecIf($["${{SN_DEMO_MODE}}" = "answer-star"]?SendDTMF(*))
 same => n,Playback(sn/demo-phone-answered)
 same => n,Wait(60)
 same => n,Hangup()
 same => n(busy),Busy(10)

; A call "from the carrier" without SIP: the Local channel's far side enters from-trunk
; as the demo caller +447700900555; the near side is the caller and what it plays is what
; it "says" (a voicemail it leaves), e.g. the main menu prompt:
;   asterisk -C var/asterisk/etc/asterisk.conf -rx \
;     "channel originate Local/441632960001@sn-demo-caller application Playback sn/menu-main"
[sn-demo-caller]
exten => _X.,1,Set(CALLERID(all)="Demo caller" <+447700900555>)
 same => n,Goto(from-trunk,${{EXTEN}},1)

; Softphones registered as demo-1 … demo-3 call in here: +… numbers are calls to the
; platform's numbers (routed), anything else is rung as a demo phone.
[sn-demo-softphones]
exten => _+X.,1,Goto(sn-incoming,${{EXTEN}},1)
exten => _X.,1,Goto({DEMO_CONTEXT},${{EXTEN}},1)
"""

DEMO_SOFTPHONES = "\n".join(
    f"""
[demo-{n}](phone-template)
context = sn-demo-softphones
auth = demo-{n}
aors = demo-{n}
callerid = "Demo {n}" <+44163296099{n}>
[demo-{n}](phone-auth-template)
username = demo-{n}
password = demo
[demo-{n}](phone-aor-template)
qualify_frequency = 0
"""
    for n in (1, 2, 3)
)

# Core sounds the shipped flows play (sounds-core) that a build without them lacks:
# spoken in development so that every flow can be followed by ear.
CORE_SOUNDS: dict[str, str] = {
    **{f"digits/{n}": str(n) for n in range(20)},
    **{f"digits/{n}": str(n) for n in range(20, 100, 10)},
    "digits/hundred": "hundred",
    "digits/thousand": "thousand",
    "digits/million": "million",
    "digits/at": "at",
    "digits/oclock": "o'clock",
    "digits/a-m": "A M",
    "digits/p-m": "P M",
    **{
        f"digits/day-{i}": d
        for i, d in enumerate(["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"])
    },
    **{
        f"digits/mon-{i}": m
        for i, m in enumerate(
            [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ]
        )
    },
    **{f"digits/h-{n}": f"{n}th" for n in range(1, 32)},
    "goodbye": "Goodbye.",
    "vm-goodbye": "Goodbye.",
    "vm-password": "Password.",
    "vm-incorrect": "Login incorrect.",
    "vm-youhave": "You have",
    "vm-INBOX": "new",
    "vm-Old": "old",
    "auth-thankyou": "Thank you.",
}
DEV_PROMPTS = {"demo-phone-answered": "This is a demo phone of make run. It answered your call."}
RATE = 8000


@dataclass(frozen=True)
class DevAsterisk:
    config: Path
    ami_port: int
    ami_username: str
    ami_secret: str
    spool: Path
    agi_port: int = 4573
    sip_port: int = 5160
    sounds: Path = Path()
    notes: list[str] = field(default_factory=list)

    def gateway_env(self) -> dict[str, str]:
        """What the gateway needs to use this Asterisk (its AMI, the shared spool, the demo phones)."""
        return {
            "AMI_HOST": "127.0.0.1",
            "AMI_PORT": str(self.ami_port),
            "AMI_USERNAME": self.ami_username,
            "AMI_SECRET": self.ami_secret,
            "SPOOL_DIR": str(self.spool),
            "GATEWAY_DIAL_TEMPLATE": DEMO_DIAL_TEMPLATE,
        }


def prepare(
    var: Path,
    binary: str,
    *,
    ami_port: int = 5038,
    sip_port: int = 5160,
    agi_port: int = 4573,
    prompts: bool = True,
) -> DevAsterisk:
    root = var / "asterisk"
    etc = root / "etc"
    etc.mkdir(parents=True, exist_ok=True)
    spool = var / "spool"
    prefix = Path(binary).resolve().parent.parent  # …/sbin/asterisk → …
    system_data = _data_dir(prefix)
    data = root / "data"
    directories = {
        "astetcdir": etc,
        "astvarlibdir": root / "lib",
        "astdbdir": root / "lib",
        "astkeydir": root / "lib",
        "astspooldir": spool,
        "astrundir": root / "run",
        "astlogdir": root / "log",
        "astagidir": root / "agi-bin",
        "astmoddir": prefix / "lib" / "asterisk" / "modules",
        "astdatadir": data,
        "astsbindir": Path(binary).resolve().parent,
    }
    for name, path in directories.items():
        if name not in ("astmoddir", "astsbindir"):
            path.mkdir(parents=True, exist_ok=True)
    lines = ["[directories]"] + [f"{k} => {v}" for k, v in directories.items()]
    lines += ["", "[options]", "verbose = 1", "nofork = yes", "transmit_silence = yes"]
    (etc / "asterisk.conf").write_text("\n".join(lines) + "\n")
    for shipped in SHIPPED.glob("*.conf"):
        shutil.copy(shipped, etc / shipped.name)
    _substitute(etc / "manager.conf", r"(?m)^port = \d+$", f"port = {ami_port}")
    _substitute(etc / "pjsip.conf", r"(?m)^bind = [0-9.]+:\d+$", f"bind = 127.0.0.1:{sip_port}")
    _substitute(
        etc / "extensions.conf", r"(?m)^SN_AGI=agi://[^:/]+:\d+$", f"SN_AGI=agi://127.0.0.1:{agi_port}"
    )
    with (etc / "extensions.conf").open("a") as f:
        f.write(DEMO_PHONES)
    # No carrier here: its registration would only retry against a name that does not resolve.
    _substitute(
        etc / "pjsip.conf", r"(?m)^\[trunk-registration\]\ntype = registration$", "[trunk-registration](!)"
    )
    with (etc / "pjsip.conf").open("a") as f:
        f.write("\n; make run only: softphones on this machine register as demo-1 … demo-3\n")
        f.write(DEMO_SOFTPHONES)
    secret = secrets.token_urlsafe(24)
    (etc / "manager_secret.conf").write_text(f"[gateway](smartnumbers-gateway)\nsecret = {secret}\n")
    (etc / "modules.conf").write_text("[modules]\nautoload = yes\nnoload = chan_sip.so\n")
    (etc / "logger.conf").write_text("[general]\n[logfiles]\nconsole => notice,warning,error,verbose\n")
    notes = _sounds(data, system_data, build_prompts=prompts)
    return DevAsterisk(
        config=etc / "asterisk.conf",
        ami_port=ami_port,
        ami_username="gateway",
        ami_secret=secret,
        spool=spool,
        agi_port=agi_port,
        sip_port=sip_port,
        sounds=data / "sounds" / "en",
        notes=notes,
    )


def _substitute(path: Path, pattern: str, replacement: str) -> None:
    text, count = re.subn(pattern, replacement, path.read_text())
    if count == 0:
        raise RuntimeError(f"{path.name}: nothing matches {pattern!r} (was the shipped file changed?)")
    path.write_text(text)


def _data_dir(prefix: Path) -> Path:
    """Where the build's data (documentation, core sounds) is: <prefix>/var/lib/asterisk, or
    /var/lib/asterisk for /usr."""
    candidate = prefix / "var" / "lib" / "asterisk"
    return candidate if candidate.exists() or prefix != Path("/usr") else Path("/var/lib/asterisk")


def _sounds(data: Path, system: Path, *, build_prompts: bool) -> list[str]:
    """The private data folder: the build's own data linked in, plus what the flows need."""
    notes: list[str] = []
    if system.is_dir():
        for entry in system.iterdir():
            if entry.name not in ("sounds", "moh") and not (data / entry.name).exists():
                (data / entry.name).symlink_to(entry)
    en = data / "sounds" / "en"
    (en / "sn").mkdir(parents=True, exist_ok=True)
    system_en = system / "sounds" / "en"
    if system_en.is_dir():
        for entry in system_en.iterdir():
            target = en / entry.name
            if not target.exists() and not target.is_symlink():
                target.symlink_to(entry)
    if not _has_sound(en, "beep"):
        _tone(en / "beep.wav", [(1000.0, 0.25)])
    moh = data / "moh"
    moh.mkdir(exist_ok=True)
    if not any(moh.iterdir()):
        # A calm two-tone pattern: music on hold for the class "default" of musiconhold.conf.
        _tone(moh / "sn-hold-tone.wav", [(440.0, 0.4), (0.0, 0.6), (554.0, 0.4), (0.0, 1.6)] * 8)
    if not build_prompts:
        return notes
    speakable = shutil.which("espeak-ng") and shutil.which("sox")
    if not speakable:
        notes.append(
            "prompts not built: espeak-ng and sox are not installed (apt-get install espeak-ng sox); "
            "callers will hear silence where the prompts are"
        )
        return notes
    wanted = {f"sn/{name}": text for name, text in _prompt_lines()} | {
        f"sn/{name}": text for name, text in DEV_PROMPTS.items()
    }
    wanted |= {name: text for name, text in CORE_SOUNDS.items() if not _has_sound(system_en, name)}
    stamp = en / "sn" / ".built"
    digest = hashlib.sha256(repr(sorted(wanted.items())).encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest and all(_has_sound(en, n) for n in wanted):
        return notes
    for name, text in wanted.items():
        _speak(en / f"{name}.wav", text)
    stamp.write_text(digest)
    notes.append(f"prompts spoken with espeak-ng into {en}")
    return notes


def _prompt_lines() -> list[tuple[str, str]]:
    lines = []
    for line in (SHIPPED / "prompts.txt").read_text().splitlines():
        if line.startswith("#") or "|" not in line:
            continue
        name, text = line.split("|", 1)
        lines.append((name.strip(), text.strip()))
    return lines


def _has_sound(en: Path, name: str) -> bool:
    return any((en / f"{name}.{ext}").exists() for ext in ("wav", "gsm", "ulaw", "alaw", "sln", "g722"))


def _speak(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = target.with_name(f".{target.stem}.raw.wav")
    subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "150", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "8000", "-c", "1", "-b", "16", str(target)], check=True)
    raw.unlink(missing_ok=True)


def _tone(target: Path, parts: list[tuple[float, float]]) -> None:
    """8 kHz mono 16-bit WAV of (frequency, seconds) parts; frequency 0 is silence."""
    samples = bytearray()
    for frequency, seconds in parts:
        for i in range(int(RATE * seconds)):
            value = int(8000 * math.sin(2 * math.pi * frequency * i / RATE)) if frequency else 0
            samples += struct.pack("<h", value)
    with wave.open(str(target), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(bytes(samples))
