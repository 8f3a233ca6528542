"""What a colleague may read of a user's presence (user guide §1, §4: the directory shows each
person's location and availability, live).

The user themself, their organisation's administrators and service tokens read everything.
Anyone else of the organisation (an ordinary user, a public directory token) reads where a
person is (the kind of location, never the number behind it), their availability and the
Call Manager facts the directory shows; not their numbers, schedule or ring sequence.
"""

from __future__ import annotations

from smartnumbers_contracts import presence as wire
from smartnumbers_kit.auth import Principal, Role
from smartnumbers_kit.errors import Forbidden
from smartnumbers_kit.feed import Seen, Visibility

PRIVATE_READ = "Only the user themself, an administrator or a service may read this"

WHOLE: frozenset[str] = frozenset()

COLLEAGUE_FEED = Visibility(
    sent={
        wire.LocationChanged.subject: frozenset({"number"}),
        wire.AvailabilityChanged.subject: WHOLE,
        wire.TeamAvailabilityChanged.subject: WHOLE,
        wire.CallManagerConnected.subject: frozenset({"session_id"}),
        wire.CallManagerDisconnected.subject: frozenset({"session_id"}),
    }
)
"""A colleague's view of the live feed: numbers, schedules, ring sequences and personal
settings (call introduction, call reporting) are not sent; a location change comes without
its number."""


def reads_everything_of(principal: Principal, user_id: str) -> bool:
    """The user themself, an administrator of their organisation, or a service token."""
    return principal.may_act_for(user_id)


def require_reading_everything_of(principal: Principal, user_id: str, what: str) -> None:
    """A colleague's ``what`` (schedule, ring sequence) is theirs: 403 for anyone else."""
    if not reads_everything_of(principal, user_id):
        raise Forbidden(f"{user_id!r}'s {what} is theirs: only they and administrators may read it")


def feed_seen_by(principal: Principal) -> Seen | None:
    """What ``principal`` may see of each event on the organisation's feed (None: everything)."""
    if principal.role in (Role.ADMIN, Role.SERVICE):
        return None

    def seen(subject: str, payload: dict) -> dict | None:
        if payload.get("user_id") == principal.user_id:
            return payload
        return COLLEAGUE_FEED.seen(subject, payload)

    return seen
