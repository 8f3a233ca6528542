"""The mailbox's night and day work: retention (§5.3.5) and today's greeting (§5.1.5).

Runs every ``every`` seconds with an injected clock, so tests move the clock across
30 days or across midnight instead of waiting. Each sweep is idempotent; with several
replicas, a mailbox swept twice at once loses one of two conflicting saves, harmlessly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from smartnumbers_mailbox.application import MailboxApplication

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class Housekeeping:
    def __init__(self, app: MailboxApplication, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    def sweep(self) -> int:
        """Delete what is due in every mailbox; returns how many messages, faxes and greetings went."""
        now = self.clock()
        removed = 0
        for mailbox_id in self.app.mailbox_ids():
            try:
                removed += self.app.sweep(mailbox_id, now)
            except Exception:
                log.exception("sweeping mailbox %s failed; will try again", mailbox_id)
        return removed

    async def run(self, every: float) -> None:
        while True:
            try:
                removed = await asyncio.to_thread(self.sweep)
                if removed:
                    log.info("housekeeping removed %s message(s), fax(es) and greeting(s)", removed)
            except Exception:
                log.exception("housekeeping failed; will try again")
            await asyncio.sleep(every)
