"""Retention (30 days, §5.3.5) and today's greeting (gone at local midnight, §5.1.5),
by moving an injected clock: nothing here waits for real time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from smartnumbers_kit.store import persistence_env
from smartnumbers_mailbox.application import MailboxApplication
from smartnumbers_mailbox.audio import recording_from_upload
from smartnumbers_mailbox.domain.greetings import GreetingKind
from smartnumbers_mailbox.domain.message import Folder
from smartnumbers_mailbox.schedule import Housekeeping
from smartnumbers_mailbox.settings import MailboxSettings

from services.mailbox.tests.samples import tone_wav
from services.mailbox.tests.stories import enrol

ARRIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def restarted(app: MailboxApplication) -> MailboxApplication:
    """The same store and blobs, read afresh (nothing from the first instance's cache)."""
    return MailboxApplication(persistence_env(MailboxSettings(), "mailbox"), blobs=app.blobs)


def test_story_messages_not_saved_go_30_days_after_they_arrived(mailbox):
    # 1. Three messages arrive for Alice; she saves one and listens to another.
    enrol(mailbox, "acme", "alice")
    ids = [
        mailbox.deposit("acme", ("user", "alice"), recording_from_upload(tone_wav(0.2 * (i + 1))), ARRIVED)
        for i in range(3)
    ]
    kept, heard, untouched = ids
    mailbox.move("acme", ("user", "alice"), kept, Folder.SAVED)
    mailbox.listened("acme", ("user", "alice"), heard)
    assert mailbox.blobs.count() == 3
    # 2. A day short of 30 days, after a restart, nothing goes.
    app = restarted(mailbox)
    clock = Clock(ARRIVED + timedelta(days=30) - timedelta(seconds=1))
    assert Housekeeping(app, clock).sweep() == 0
    # 3. At 30 days the New and the Old message go, with their audio; the saved one stays.
    clock.now = ARRIVED + timedelta(days=30)
    assert Housekeeping(app, clock).sweep() == 2
    assert list(app.mailbox("acme", ("user", "alice")).messages) == [kept]
    assert app.blobs.count() == 1
    assert Housekeeping(app, clock).sweep() == 0
    app.close()


def test_todays_greeting_goes_at_midnight_where_the_user_is(mailbox):
    # 1. London and New York users record today's greeting at the same instant (20:00 UTC).
    enrol(mailbox, "acme", "lon", time_zone="Europe/London")
    enrol(mailbox, "acme", "nyc", time_zone="America/New_York")
    recorded = datetime(2026, 7, 1, 20, 0, tzinfo=UTC)  # 21:00 in London, 16:00 in New York
    for user in ("lon", "nyc"):
        mailbox.record_greeting(
            "acme",
            ("user", user),
            GreetingKind.TODAY,
            recording_from_upload(tone_wav(0.3, hz=300 if user == "lon" else 500)),
            recorded,
        )
        mailbox.record_greeting(
            "acme",
            ("user", user),
            GreetingKind.PERMANENT,
            recording_from_upload(tone_wav(0.4, hz=300 if user == "lon" else 500)),
            recorded,
        )
    app = restarted(mailbox)
    clock = Clock(datetime(2026, 7, 1, 22, 59, tzinfo=UTC))
    housekeeping = Housekeeping(app, clock)

    def todays() -> dict[str, bool]:
        return {u: "today" in app.mailbox("acme", ("user", u)).greetings for u in ("lon", "nyc")}

    # 2. A minute before London's midnight (23:00 UTC in summer) both are kept.
    assert housekeeping.sweep() == 0 and todays() == {"lon": True, "nyc": True}
    # 3. At London's midnight only London's goes; callers hear the permanent greeting.
    clock.now = datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
    assert housekeeping.sweep() == 1 and todays() == {"lon": False, "nyc": True}
    assert app.mailbox("acme", ("user", "lon")).heard() == "permanent"
    # 4. At New York's midnight (04:00 UTC) New York's goes too; its audio file with it.
    clock.now = datetime(2026, 7, 2, 3, 59, tzinfo=UTC)
    assert housekeeping.sweep() == 0
    clock.now = datetime(2026, 7, 2, 4, 0, tzinfo=UTC)
    assert housekeeping.sweep() == 1 and todays() == {"lon": False, "nyc": False}
    assert app.blobs.count() == 2  # the two permanent greetings
    app.close()
