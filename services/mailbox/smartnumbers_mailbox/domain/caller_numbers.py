"""Who calls from a number: the mailbox's own index of its users' numbers (§5.3.3 Reply).

A message left by a caller records the user who left it when the caller's number is one
of a user's own numbers, so that Reply works and the archive email names them. The index
is kept from the directory's and presence's events (no call to another service on deposit):
one small aggregate per number of an organisation, holding the users who have it.

The numbers a user calls *from*: their smartnumber (what their outgoing calls show) and
their desk, mobile and home numbers. Not the mailbox number (nobody calls from it) nor the
temporary location (a hotel or a colleague's phone, often shared).
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

CALLING_NUMBER_KINDS = ("desk", "mobile", "home")
"""Presence's numbers a user calls from (besides the directory's smartnumber)."""


def calling_numbers(profile: dict[str, Any], phone_numbers: dict[str, str | None]) -> set[str]:
    """The E.164 numbers a user's calls come from: smartnumber, desk, mobile, home."""
    numbers = [profile.get("smartnumber"), *(phone_numbers.get(kind) for kind in CALLING_NUMBER_KINDS)]
    return {n for n in numbers if n}


class NumberHolders(Aggregate):
    """The users of an organisation who have one number as one of their calling numbers."""

    @staticmethod
    def create_id(organisation_id: str, number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:mailbox:number:{organisation_id}:{number}")

    @event("Indexed")
    def __init__(self, organisation_id: str, number: str) -> None:
        self.organisation_id = organisation_id
        self.number = number
        self.users: list[str] = []

    @property
    def sole_user(self) -> str | None:
        """The user whose number it is, when exactly one user has it (else nobody can tell)."""
        return self.users[0] if len(self.users) == 1 else None

    def claim(self, user_id: str) -> None:
        if user_id not in self.users:
            self._claimed(user_id=user_id)

    @event("Claimed")
    def _claimed(self, user_id: str) -> None:
        self.users.append(user_id)

    def release(self, user_id: str) -> None:
        if user_id in self.users:
            self._released(user_id=user_id)

    @event("Released")
    def _released(self, user_id: str) -> None:
        self.users.remove(user_id)
