"""The directory application: each use case is load → decide → save, atomically.

The use cases live by part of the user guide in ``use_cases/``; the read side
(search, reverse lookup) is a projection of the same store (``projection.py``).
"""

from __future__ import annotations

from typing import Any

from smartnumbers_directory.domain.live_presence import LivePresence
from smartnumbers_directory.use_cases.contacts import Contacts
from smartnumbers_directory.use_cases.groups import Groups
from smartnumbers_directory.use_cases.identity import Identity
from smartnumbers_directory.use_cases.opening_hours import OpeningHours
from smartnumbers_directory.use_cases.people import People


class DirectoryApplication(People, Identity, Contacts, Groups, OpeningHours):
    name = "directory"

    # -- what presence tells us (bus handlers return what they changed) -------------------
    def presence_seen(
        self,
        organisation_id: str,
        user_id: str,
        *,
        location: str | None = None,
        availability: str | None = None,
    ) -> list[Any]:
        seen = self._maybe(LivePresence.create_id(organisation_id, user_id)) or LivePresence(
            organisation_id=organisation_id, user_id=user_id
        )
        if location is not None and location != seen.location:
            seen.located(location)
        if availability is not None and availability != seen.availability:
            seen.available(availability)
        return [seen]
