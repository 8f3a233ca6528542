"""Build routing's read model the way production does: by applying the other services' contracts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from smartnumbers_contracts import directory as d
from smartnumbers_contracts import mailbox as m
from smartnumbers_contracts import presence as p
from smartnumbers_routing.read_model import RoutingView

ORG = "acme"
NUMBERS = {"adam": "+441632960100", "bob": "+441632960200", "cleo": "+441632960300", "dan": "+441632960400"}
MAILBOXES = {"adam": "+441632960101", "bob": "+441632960201", "cleo": "+441632960301", "dan": "+441632960401"}
MOBILES = {"adam": "+447700900100", "bob": "+447700900200", "cleo": "+447700900300", "dan": "+447700900400"}
LUCY = "+447700900555"


def env(org: str = ORG) -> dict[str, Any]:
    return {"event_id": uuid.uuid4(), "organisation_id": org, "occurred_at": datetime.now(UTC)}


class World:
    def __init__(self) -> None:
        self.view = RoutingView()

    def user(
        self,
        user_id: str,
        *,
        location: str = "mobile",
        availability: str = "available",
        delegate: str | None = None,
        vips: tuple[str, ...] = (),
        intro: str = "off",
        team_calls: bool = True,
        teams: tuple[str, ...] = (),
        call_managers: int = 0,
    ) -> World:
        v = self.view
        v.apply(
            d.UserCreated(
                **env(),
                user_id=user_id,
                display_name=user_id.title(),
                profile=d.UserProfile(
                    display_name=user_id.title(),
                    smartnumber=NUMBERS[user_id],
                    mailbox_number=MAILBOXES[user_id],
                ),
            )
        )
        number = None if location == "none" else MOBILES[user_id]
        v.apply(
            p.LocationChanged(
                **env(),
                user_id=user_id,
                location=location,
                number=number,
                previous_location="none",
                cause="selected",
            )
        )
        v.apply(
            p.AvailabilityChanged(**env(), user_id=user_id, availability=availability, delegate_id=delegate)
        )
        v.apply(d.VipsChanged(**env(), user_id=user_id, vip_numbers=list(vips)))
        v.apply(p.CallIntroductionChanged(**env(), user_id=user_id, call_introduction=intro))
        v.apply(
            p.TeamAvailabilityChanged(
                **env(), user_id=user_id, available_for_team_calls=team_calls, active_in=list(teams)
            )
        )
        if call_managers:
            v.apply(
                p.CallManagerConnected(
                    **env(), user_id=user_id, session_id="s", connected_sessions=call_managers
                )
            )
        return self

    def team(
        self,
        team_id: str,
        members: list[str],
        *,
        kind: str = "team",
        strategy: str = "all_at_once",
        number: str = "+441632960999",
        max_wait: int | None = None,
    ) -> World:
        self.view.apply(
            d.TeamCreated(
                **env(),
                team_id=team_id,
                team=d.TeamDefinition(
                    kind=kind,
                    name=team_id.title(),
                    smartnumber=number,
                    members=members,
                    strategy=strategy,
                    max_wait_seconds=max_wait,
                ),
            )
        )
        return self

    def profile(self, user_id: str, **profile: Any) -> World:
        """The directory changed a user's profile (the whole profile travels)."""
        self.view.apply(
            d.UserUpdated(
                **env(),
                user_id=user_id,
                profile=d.UserProfile(
                    display_name=user_id.title(),
                    **{"smartnumber": NUMBERS[user_id], "mailbox_number": MAILBOXES[user_id], **profile},
                ),
            )
        )
        return self

    def removed(self, user_id: str) -> World:
        self.view.apply(d.UserRemoved(**env(), user_id=user_id))
        return self

    def absent(self, user_id: str) -> World:
        self.view.apply(m.ExtendedAbsenceEnabled(**env(), owner_kind="user", owner_id=user_id))
        return self

    def back(self, user_id: str) -> World:
        self.view.apply(
            m.ExtendedAbsenceDisabled(**env(), owner_kind="user", owner_id=user_id, cause="location_selected")
        )
        return self

    def greeting(self, user_id: str, greeting: str, heard: str, recorded: bool = True) -> World:
        self.view.apply(
            m.GreetingChanged(
                **env(),
                owner_kind="user",
                owner_id=user_id,
                greeting=greeting,
                recorded=recorded,
                heard=heard,
            )
        )
        return self

    def numbers(self, user_id: str, **numbers: str | None) -> World:
        """Presence published the user's kept numbers."""
        self.view.apply(p.NumbersChanged(**env(), user_id=user_id, numbers=p.Numbers(**numbers)))
        return self

    def sequence(self, user_id: str, *steps: tuple[tuple[str, ...], int]) -> World:
        """Presence published the user's personal ring sequence."""
        self.view.apply(
            p.RingSequenceChanged(
                **env(),
                user_id=user_id,
                steps=[p.RingSequenceStep(numbers=list(kinds), seconds=seconds) for kinds, seconds in steps],
            )
        )
        return self

    def schedule(
        self, user_id: str, time_zone: str, periods: list[Any], since: datetime | None = None
    ) -> World:
        """Presence published the user's weekly schedule (and, with ``since``, the period then applied)."""
        from smartnumbers_contracts import schedule as s

        self.view.apply(s.ScheduleChanged(**env(), user_id=user_id, time_zone=time_zone, periods=periods))
        if since is not None:
            self.view.apply(s.ScheduleSwitched(**env(), user_id=user_id, period_start=since, period=0))
        return self

    def opening_hours(
        self, time_zone: str, hours: list[Any], holidays: Sequence[Any] = (), **overflow: str
    ) -> World:
        """The directory published the organisation's opening hours and holidays."""
        from smartnumbers_contracts import schedule as s

        self.view.apply(
            s.OpeningHoursChanged(
                **env(), time_zone=time_zone, hours=hours, holidays=list(holidays), overflow=overflow
            )
        )
        return self
