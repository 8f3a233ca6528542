"""Read the recorded AMI traffic (tests/transcripts/ami-*.txt) into messages.

Lines after ``>>> `` were sent by the client; the rest is what Asterisk answered, in
blocks ended by an empty line; ``# +N.NNNs`` marks the time since the scenario started.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TRANSCRIPTS = Path(__file__).parent / "transcripts"


@dataclass(frozen=True)
class Recorded:
    sent_by_client: bool
    at: float
    fields: tuple[tuple[str, str], ...]

    def get(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.fields:
            if k == key:
                return v
        return default


def read(name: str) -> tuple[str, list[Recorded]]:
    """The banner line and every message of ``ami-<name>.txt``, in order."""
    lines = (TRANSCRIPTS / f"ami-{name}.txt").read_text().splitlines()
    banner = ""
    messages: list[Recorded] = []
    block: list[tuple[str, str]] = []
    client, at = False, 0.0

    def flush() -> None:
        nonlocal block
        if block:
            messages.append(Recorded(client, at, tuple(block)))
        block = []

    for line in lines:
        if line.startswith("Asterisk Call Manager/"):
            banner = line
            continue
        if line.startswith("# +"):
            flush()
            at = float(line[3:].rstrip("s"))
            continue
        if line.startswith(">>> "):
            flush()
            client = True
            line = line[4:]
        elif not line.strip():
            flush()
            client = False
            continue
        key, _, value = line.partition(": ")
        block.append((key, value))
    flush()
    return banner, messages


def events(name: str) -> list[dict[str, str]]:
    """The events Asterisk sent in one recorded scenario, as dicts."""
    return [dict(m.fields) for m in read(name)[1] if not m.sent_by_client and m.get("Event")]
