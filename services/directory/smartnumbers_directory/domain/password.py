"""The password rules (user guide §2.1.1, §3.2) and the lockout after wrong passwords.

A password is digits only (it is typed on a keypad as well as on the web), does not begin
with 0, is at least the organisation's minimum length, is not one of the user's last
three passwords, and is not a *run of digits* from the user's own smartnumber or mailbox
number: no 4 or more consecutive digits of either number (as written in E.164, without
the ``+``) may appear in it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from smartnumbers_kit.errors import DomainError, Invalid

DEFAULT_MIN_LENGTH = 6
HISTORY = 3
RUN_LENGTH = 4
FAILURES_BEFORE_LOCK = 5
FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(hours=1)


class Hasher(Protocol):
    """Hashes and verifies passwords (argon2 in the application; never stored in clear)."""

    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


def check_rules(password: str, *, min_length: int, own_numbers: list[str]) -> None:
    if not password.isdigit() or not password.isascii():
        raise Invalid("a password has digits only, so that it can be typed on a phone keypad")
    if password.startswith("0"):
        raise Invalid("a password cannot begin with zero")
    if len(password) < min_length:
        raise Invalid(f"a password needs at least {min_length} digits")
    for number in own_numbers:
        digits = number.lstrip("+")
        for start in range(len(digits) - RUN_LENGTH + 1):
            if digits[start : start + RUN_LENGTH] in password:
                raise Invalid(
                    f"a password cannot contain a run of {RUN_LENGTH} or more digits from your own "
                    "smartnumber or mailbox number"
                )


def lock_duration(locks_so_far: int) -> timedelta:
    """1 minute for the first lock, doubling with each further one, at most an hour."""
    longer: timedelta = FIRST_LOCK * (2**locks_so_far)
    return min(longer, LONGEST_LOCK)


class AccountLocked(DomainError):
    status = 423
    code = "locked"
