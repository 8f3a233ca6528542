"""The organisation's opening hours and holidays (beyond the guide): administrators set them,
teams follow them (closed: the team's mailbox, or its overflow team)."""

from __future__ import annotations

from typing import Any

from smartnumbers_contracts.schedule import Holiday, OpeningPeriod, zone
from smartnumbers_directory.domain.organisation import Organisation
from smartnumbers_directory.domain.team import Team
from smartnumbers_directory.use_cases.base import DirectoryBase
from smartnumbers_kit.errors import Invalid, NotFound

MAX_HOLIDAYS = 100


class OpeningHours(DirectoryBase):
    def set_opening_hours(
        self,
        organisation_id: str,
        time_zone: str | None,
        hours: list[OpeningPeriod],
        holidays: list[Holiday],
        overflow: dict[str, str],
    ) -> None:
        if time_zone is None and (hours or holidays):
            raise Invalid("opening hours and holidays need the organisation's time zone, like Europe/London")
        if time_zone is not None:
            try:
                zone(time_zone)
            except ValueError as e:
                raise Invalid(str(e)) from None
        for n, period in enumerate(hours, start=1):
            if period.closes <= period.opens:
                raise Invalid(f"opening period {n} closes ({period.closes}) before it opens ({period.opens})")
        if len(holidays) > MAX_HOLIDAYS:
            raise Invalid(f"at most {MAX_HOLIDAYS} holidays, not {len(holidays)}")
        if len({h.date for h in holidays}) != len(holidays):
            raise Invalid("a holiday date is given twice")
        for team_id, to in overflow.items():
            if team_id == to:
                raise Invalid(f"the team {team_id!r} cannot overflow to itself")

        def command() -> list[Any]:
            found: Organisation | None = self._maybe(Organisation.create_id(organisation_id))
            if found is None:
                raise NotFound(f"there is no organisation {organisation_id!r}")
            for team_id in {*overflow, *overflow.values()}:
                team: Team | None = self._maybe(Team.create_id(organisation_id, team_id))
                if team is None or team.removed:
                    raise Invalid(f"there is no team or queue {team_id!r} in your organisation")
            found.set_opening_hours(
                time_zone,
                [p.model_dump(mode="json") for p in hours],
                [h.model_dump(mode="json") for h in sorted(holidays, key=lambda h: h.date)],
                dict(overflow),
            )
            return [found]

        self.run_command(command, key=f"organisation:{organisation_id}")
