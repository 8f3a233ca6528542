"""Where calls ring (user guide §3.3): Desk, Mobile, Home, Temporary, None (logout)."""

from __future__ import annotations

from enum import StrEnum


class Location(StrEnum):
    DESK = "desk"
    MOBILE = "mobile"
    HOME = "home"
    TEMPORARY = "temporary"
    NONE = "none"


KEPT_NUMBER_LOCATIONS = (Location.DESK, Location.MOBILE, Location.HOME)
"""Locations whose number is kept in advance; Temporary takes one with the selection."""

NUMBER_KINDS = ("desk", "mobile", "home", "temporary", "office_fax", "home_fax", "temporary_fax")
"""The numbers a user keeps: one per phone location, and the fax locations of §5.5."""
