"""``smartnumbers-mail-sink``: a local SMTP server (aiosmtpd) that writes each message it
receives to ``<dir>/<time>-<n>.eml``, so ``make run`` shows the emails notify sends.

Development only (aiosmtpd comes with requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class MailDirectory:
    """aiosmtpd handler: one ``.eml`` file per message."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._numbers = itertools.count(1)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{datetime.now(UTC):%Y%m%dT%H%M%S.%f}-{next(self._numbers)}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def main(argv: list[str] | None = None) -> None:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(prog="smartnumbers-mail-sink", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, default=Path("var/mail"))
    args = parser.parse_args(argv)
    controller = Controller(MailDirectory(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print(f"mail sink on {args.host}:{args.port}, writing to {args.dir}", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
