"""Which kind of number a location is, and whether the organisation allows it (toll fraud).

An organisation's policy (the directory's, published as ``LocationPolicyChanged``) lists the
kinds of number its users may give as a location; premium-rate and special-rate numbers are
refused unless an administrator allows them. The kinds are defined in the contract
(``LocationNumberKind``); ``phonenumbers.number_type`` tells them apart.
"""

from __future__ import annotations

from collections.abc import Iterable

import phonenumbers
from phonenumbers import PhoneNumberType
from smartnumbers_contracts.directory import DEFAULT_LOCATION_NUMBER_KINDS, LocationNumberKind
from smartnumbers_kit.errors import Invalid

DEFAULT_ALLOWED = tuple(k.value for k in DEFAULT_LOCATION_NUMBER_KINDS)

_BY_TYPE = {
    PhoneNumberType.PREMIUM_RATE: LocationNumberKind.PREMIUM,
    PhoneNumberType.SHARED_COST: LocationNumberKind.SPECIAL_RATE,
    PhoneNumberType.PERSONAL_NUMBER: LocationNumberKind.SPECIAL_RATE,
}
_DOMESTIC = {
    PhoneNumberType.MOBILE: LocationNumberKind.MOBILE,
    PhoneNumberType.PAGER: LocationNumberKind.MOBILE,
    PhoneNumberType.UNKNOWN: LocationNumberKind.UNKNOWN,
}

WORDS = {
    LocationNumberKind.NATIONAL: "a national number",
    LocationNumberKind.MOBILE: "a mobile number",
    LocationNumberKind.INTERNATIONAL: "an international number",
    LocationNumberKind.PREMIUM: "a premium-rate number",
    LocationNumberKind.SPECIAL_RATE: "a special-rate (shared-cost or personal) number",
    LocationNumberKind.UNKNOWN: "a number in no known range",
}


def kind_of(number: str, country: str) -> LocationNumberKind:
    """The kind of an E.164 ``number`` for an organisation in ``country`` (ISO 3166)."""
    parsed = phonenumbers.parse(number, country)
    number_type = phonenumbers.number_type(parsed)
    if number_type in _BY_TYPE:
        return _BY_TYPE[number_type]
    if parsed.country_code != phonenumbers.country_code_for_region(country):
        return LocationNumberKind.INTERNATIONAL
    return _DOMESTIC.get(number_type, LocationNumberKind.NATIONAL)


def check_allowed(number: str, country: str, allowed: Iterable[str], what: str) -> None:
    """Refuse (422) a location number of a kind the organisation does not allow."""
    allowed = list(allowed)
    kind = kind_of(number, country)
    if kind not in allowed:
        raise Invalid(
            f"the {what} {number} is {WORDS[kind]}, which your organisation does not allow as a "
            f"location (allowed: {', '.join(allowed)}); ask an administrator"
        )
