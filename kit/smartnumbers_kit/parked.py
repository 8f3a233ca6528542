"""``smartnumbers-parked``: list what was given up on (the PARKED stream): messages consumers
could not apply, and events a relay could never publish (too large for NATS, or refused by
their contract; for those the stream keeps a small JSON record: relay, notification id, topic,
subject, size, reason, and ``Original-Stream`` is ``log:<service>``).

    smartnumbers-parked [--nats nats://127.0.0.1:4322] [--limit 50]

Each line: when it was parked, the consumer, the original subject and stream sequence,
and the reason. The message itself is kept in the stream for replay or inspection.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass

import nats
from nats.js.errors import NotFoundError

from smartnumbers_kit.bus import PARKED_STREAM
from smartnumbers_kit.natsauth import NATS_HELP, default_nats_url


@dataclass(frozen=True)
class ParkedMessage:
    sequence: int
    consumer: str
    subject: str
    original_stream: str
    original_sequence: int
    reason: str
    data: bytes


async def parked_messages(url: str, limit: int = 50) -> list[ParkedMessage]:
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        try:
            info = await js.stream_info(PARKED_STREAM)
        except NotFoundError:
            return []
        found: list[ParkedMessage] = []
        first = max(info.state.first_seq, info.state.last_seq - limit + 1)
        for sequence in range(first, info.state.last_seq + 1) if info.state.messages else ():
            try:
                message = await js.get_msg(PARKED_STREAM, sequence)
            except NotFoundError:
                continue
            headers = message.headers or {}
            found.append(
                ParkedMessage(
                    sequence=sequence,
                    consumer=headers.get("Parked-Consumer", "?"),
                    subject=headers.get("Original-Subject", message.subject or "?"),
                    original_stream=headers.get("Original-Stream", "?"),
                    original_sequence=int(headers.get("Original-Sequence", "0")),
                    reason=headers.get("Parked-Reason", ""),
                    data=message.data or b"",
                )
            )
        return found
    finally:
        await nc.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="smartnumbers-parked", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nats", default=default_nats_url(), help=NATS_HELP)
    parser.add_argument("--limit", type=int, default=50, help="at most this many, oldest first (default: 50)")
    args = parser.parse_args(argv)
    messages = asyncio.run(parked_messages(args.nats, args.limit))
    if not messages:
        print("nothing is parked")
    for m in messages:
        where = f"{m.original_stream} seq {m.original_sequence}"
        print(f"#{m.sequence} {m.consumer} {m.subject} ({where}): {m.reason}")


if __name__ == "__main__":
    main()
