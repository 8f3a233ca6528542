"""Dialable numbers: parsed and normalised to E.164 with ``phonenumbers`` (every service reads them alike)."""

from __future__ import annotations

import phonenumbers

from smartnumbers_kit.errors import Invalid


def to_e164(number: str, default_country: str, *, what: str = "number") -> str:
    """``01632 960123`` in GB → ``+441632960123``; refuses what cannot be dialled."""
    try:
        parsed = phonenumbers.parse(number, default_country)
    except phonenumbers.NumberParseException as e:
        raise Invalid(f"the {what} {number!r} is not a phone number ({e._msg})") from None
    # "Possible" (a plausible length for its country) rather than "valid" (a range
    # allocated today): allocations change faster than the library's metadata, and
    # Ofcom's drama ranges, used in our examples and tests, are possible but not valid.
    if not phonenumbers.is_possible_number(parsed):
        raise Invalid(f"the {what} {number!r} is not a dialable number in {default_country} or abroad")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
