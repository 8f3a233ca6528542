"""Where a user's faxes go when they arrive (user guide §5.5)."""

from __future__ import annotations

from enum import StrEnum


class FaxDelivery(StrEnum):
    MAILBOX = "mailbox"
    OFFICE_FAX = "office_fax"
    HOME_FAX = "home_fax"
    TEMPORARY_FAX = "temporary_fax"
    EMAIL = "email"


def delivery_target(
    setting: str, fax_numbers: dict[str, str | None], email: str | None
) -> dict[str, str] | None:
    """``{"kind": "fax"|"email", "to": …}`` for the setting, or None (kept in the mailbox only)."""
    if setting == FaxDelivery.EMAIL:
        return {"kind": "email", "to": email} if email else None
    if setting == FaxDelivery.MAILBOX:
        return None
    number = fax_numbers.get(setting)
    return {"kind": "fax", "to": number} if number else None
