"""An organisation: its name, the country its national numbers belong to, its password length,
and which kinds of number its users may give as a location (toll fraud)."""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import phonenumbers
from eventsourcing.domain import Aggregate, event
from smartnumbers_contracts.directory import DEFAULT_LOCATION_NUMBER_KINDS, LocationNumberKind
from smartnumbers_directory.domain.password import DEFAULT_MIN_LENGTH
from smartnumbers_kit.errors import Invalid


def _check(name: str, default_country: str, password_min_length: int) -> None:
    if not name.strip():
        raise Invalid("an organisation needs a name")
    if len(default_country) != 2 or not default_country.isalpha() or not default_country.isupper():
        raise Invalid(f"the country {default_country!r} is not an ISO 3166 code such as GB")
    if default_country not in phonenumbers.SUPPORTED_REGIONS:
        raise Invalid(f"the country {default_country!r} is not one whose phone numbers are known (like GB)")
    if not 4 <= password_min_length <= 20:
        raise Invalid("the password minimum length is between 4 and 20 digits")


class Organisation(Aggregate):
    @staticmethod
    def create_id(organisation_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"smartnumbers:directory:organisation:{organisation_id}")

    @classmethod
    def configure(
        cls,
        organisation_id: str,
        name: str,
        default_country: str,
        password_min_length: int = DEFAULT_MIN_LENGTH,
    ) -> Organisation:
        _check(name, default_country, password_min_length)
        return cls(
            organisation_id=organisation_id,
            name=name,
            default_country=default_country,
            password_min_length=password_min_length,
        )

    @event("Configured")
    def __init__(
        self, organisation_id: str, name: str, default_country: str, password_min_length: int
    ) -> None:
        self.organisation_id = organisation_id
        self.name = name
        self.default_country = default_country
        self.password_min_length = password_min_length
        self.location_number_kinds = [k.value for k in DEFAULT_LOCATION_NUMBER_KINDS]
        self.time_zone: str | None = None
        self.opening_hours: list[dict[str, Any]] = []
        self.holidays: list[dict[str, Any]] = []
        self.overflow: dict[str, str] = {}

    def reconfigure(self, name: str, default_country: str, password_min_length: int) -> None:
        _check(name, default_country, password_min_length)
        self._reconfigured(
            name=name, default_country=default_country, password_min_length=password_min_length
        )

    @event("Reconfigured")
    def _reconfigured(self, name: str, default_country: str, password_min_length: int) -> None:
        self.name = name
        self.default_country = default_country
        self.password_min_length = password_min_length

    def set_location_policy(self, allowed: list[LocationNumberKind]) -> None:
        """Which kinds of number a location may be; presence enforces it."""
        kinds = [k.value for k in LocationNumberKind if k in allowed]
        if not kinds:
            raise Invalid("allow at least one kind of number as a location")
        if kinds != self.location_number_kinds:
            self._location_policy_changed(allowed=kinds)

    @event("LocationPolicyChanged")
    def _location_policy_changed(self, allowed: list[str]) -> None:
        self.location_number_kinds = list(allowed)

    # -- opening hours and holidays (beyond the guide): teams follow them ----------------
    def set_opening_hours(
        self,
        time_zone: str | None,
        hours: list[dict[str, Any]],
        holidays: list[dict[str, Any]],
        overflow: dict[str, str],
    ) -> None:
        """Checked already (the use case knows the teams); the full new state."""
        self._opening_hours_changed(time_zone=time_zone, hours=hours, holidays=holidays, overflow=overflow)

    @event("OpeningHoursChanged")
    def _opening_hours_changed(
        self,
        time_zone: str | None,
        hours: list[dict[str, Any]],
        holidays: list[dict[str, Any]],
        overflow: dict[str, str],
    ) -> None:
        self.time_zone = time_zone
        self.opening_hours = list(hours)
        self.holidays = list(holidays)
        self.overflow = dict(overflow)
