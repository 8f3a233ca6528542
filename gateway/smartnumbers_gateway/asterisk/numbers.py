"""Numbers as Asterisk gives them and takes them: E.164 from its digits, Dial() strings from E.164."""

from __future__ import annotations

from collections.abc import Mapping

import phonenumbers

UNKNOWN = {"", "unknown", "anonymous", "<unknown>"}
"""What Asterisk says for a caller it does not know."""


def e164(raw: str | None) -> str | None:
    """Asterisk gives numbers as digits (441632960001) or with +; routing speaks E.164."""
    if raw is None or raw.strip().lower() in UNKNOWN:
        return None
    digits = raw.strip()
    candidate = digits if digits.startswith("+") else f"+{digits}"
    try:
        parsed = phonenumbers.parse(candidate, None)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def dial_string(template: str, numbers: list[str], desk_phones: Mapping[str, str] | None = None) -> str:
    """``GATEWAY_DIAL_TEMPLATE`` for each number ({e164} or {digits}), joined with ``&`` (ring all);
    a desk phone of this Asterisk (``desk_phones``: number → PJSIP endpoint) is ``PJSIP/<endpoint>``."""
    phones = desk_phones or {}
    return "&".join(
        f"PJSIP/{phones[n]}" if n in phones else template.format(e164=n, digits=n.lstrip("+"))
        for n in numbers
        if n
    )


def as_written_by(number: str, caller: str | None) -> str:
    """The digits of ``number`` as the caller's country writes them: national (``01632960001``)
    when the caller's number is of the same country (or unknown), else international without
    the ``+`` (``441632960001``)."""
    try:
        parsed = phonenumbers.parse(number if number.startswith("+") else f"+{number}", None)
    except phonenumbers.NumberParseException:
        return number  # as it is: agi_digits refuses what is not digits
    international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")
    from_number = e164(caller)
    if from_number is not None:
        caller_region = phonenumbers.region_code_for_number(phonenumbers.parse(from_number, None))
        if caller_region != phonenumbers.region_code_for_number(parsed):
            return international
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return "".join(c for c in national if c.isdigit()) or international
