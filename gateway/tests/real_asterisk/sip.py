"""Real SIP for the real-Asterisk stories: SIPp (Debian's ``sip-tester``) running the scenarios
kept in ``sipp/``, and an RTP endpoint of the story's own that hears what Asterisk sends and
talks back (a tone, G.711 µ-law), so that audio both ways can be checked."""

from __future__ import annotations

import asyncio
import math
import shutil
import struct
from dataclasses import dataclass, field
from pathlib import Path

SIPP = shutil.which("sipp")
SCENARIOS = Path(__file__).resolve().parent / "sipp"
BIAS, CLIP = 0x84, 32635


def ulaw(sample: int) -> int:
    """G.711 µ-law of a 16-bit sample."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), CLIP) + BIAS
    exponent = max(0, min(7, (magnitude >> 7).bit_length() - 1))
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def linear(code: int) -> int:
    """The 16-bit sample of a G.711 µ-law byte."""
    code = ~code & 0xFF
    magnitude = (((code & 0x0F) << 3) + BIAS) << ((code >> 4) & 0x07)
    return -(magnitude - BIAS) if code & 0x80 else magnitude - BIAS


@dataclass
class RtpEndpoint(asyncio.DatagramProtocol):
    """Receives Asterisk's RTP; once it arrives, answers from the same port with a 440 Hz tone."""

    received: list[bytes] = field(default_factory=list)
    sent: int = 0
    peer: tuple[str, int] | None = None
    transport: asyncio.DatagramTransport | None = None
    talking: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if len(data) > 12 and data[0] >> 6 == 2:  # RTP version 2
            self.received.append(data)
            if self.peer is None:
                self.peer = addr
                self.talking = asyncio.get_running_loop().create_task(self._talk())

    async def _talk(self) -> None:
        sequence, timestamp, phase = 1, 0, 0
        while self.transport is not None and not self.transport.is_closing():
            payload = bytes(
                ulaw(int(8000 * math.sin(2 * math.pi * 440 * (phase + i) / 8000))) for i in range(160)
            )
            phase += 160
            header = struct.pack("!BBHII", 0x80, 0, sequence & 0xFFFF, timestamp & 0xFFFFFFFF, 0x5EED)
            assert self.peer is not None
            self.transport.sendto(header + payload, self.peer)
            self.sent += 1
            sequence, timestamp = sequence + 1, timestamp + 160
            await asyncio.sleep(0.02)

    def loudest(self) -> int:
        """The loudest sample Asterisk sent (its silence is 0)."""
        return max((abs(linear(b)) for packet in self.received for b in packet[12:]), default=0)

    def close(self) -> None:
        if self.talking is not None:
            self.talking.cancel()
        if self.transport is not None:
            self.transport.close()


async def rtp_endpoint(port: int) -> RtpEndpoint:
    _, endpoint = await asyncio.get_running_loop().create_datagram_endpoint(
        RtpEndpoint, local_addr=("127.0.0.1", port)
    )
    return endpoint


@dataclass
class SippRun:
    returncode: int
    output: str
    errors: str


async def sipp(
    scenario: str,
    target: str,
    *,
    port: int,
    media_port: int,
    service: str,
    workdir: Path,
    duration_ms: int = 0,
    user: str | None = None,
    password: str | None = None,
    keys: dict[str, str] | None = None,
    within: float = 120,
) -> SippRun:
    """One call of ``sipp/<scenario>.xml`` from 127.0.0.1:``port`` to ``target``."""
    assert SIPP is not None
    args = [
        SIPP,
        "-sf",
        str(SCENARIOS / f"{scenario}.xml"),
        "-i",
        "127.0.0.1",
        "-p",
        str(port),
        "-mp",
        str(media_port),
        "-s",
        service,
        "-m",
        "1",
        "-d",
        str(duration_ms),
        "-aa",
        "-nostdin",
        "-timeout",
        f"{int(within)}s",
        "-timeout_error",
        "-trace_err",
        "-trace_msg",
    ]
    if user is not None:
        args += ["-au", user, "-ap", password or ""]
    for key, value in (keys or {}).items():
        args += ["-key", key, value]
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    process = await asyncio.create_subprocess_exec(
        *args, target, cwd=workdir, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await asyncio.wait_for(process.communicate(), within + 30)
    assert process.returncode is not None
    errors = await asyncio.to_thread(_logs, workdir, f"{scenario}_*errors.log")
    return SippRun(process.returncode, output.decode(errors="replace")[-3000:], errors)


def _logs(workdir: Path, pattern: str) -> str:
    return "\n".join(p.read_text(errors="replace")[-3000:] for p in workdir.glob(pattern))
