"""The organisation's opening hours and holidays: administrators set them (teams follow them in routing)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from smartnumbers_contracts.schedule import Holiday, OpeningPeriod
from smartnumbers_kit.errors import Invalid

from services.presence.tests.e2e import BusWatcher

from .conftest import organisation
from .e2e import client, create_organisation

WEEKDAYS = [OpeningPeriod(days=["mon", "tue", "wed", "thu", "fri"], opens="09:00", closes="17:30")]
CHRISTMAS = Holiday(date=date(2026, 12, 25), name="Christmas Day")


def team(directory, team_id: str) -> None:
    directory.define_team(
        "acme",
        team_id,
        {"kind": "team", "name": team_id.title(), "members": ["alice"], "strategy": "all_at_once"},
        new=True,
    )


def test_opening_hours_holidays_and_an_overflow_team_are_kept(directory):
    organisation(directory, "acme", "alice")
    team(directory, "sales")
    team(directory, "night")
    directory.set_opening_hours("acme", "Europe/London", WEEKDAYS, [CHRISTMAS], {"sales": "night"})
    o = directory.organisation("acme")
    assert (o.time_zone, o.overflow, o.holidays) == (
        "Europe/London",
        {"sales": "night"},
        [{"date": "2026-12-25", "name": "Christmas Day"}],
    )


@pytest.mark.parametrize(
    ("tz", "hours", "holidays", "overflow", "words"),
    [
        ("Atlantis/Capital", WEEKDAYS, [], {}, "'Atlantis/Capital' is not a time zone"),
        (None, WEEKDAYS, [], {}, "need the organisation's time zone"),
        (
            "Europe/London",
            [OpeningPeriod(days=["mon"], opens="17:00", closes="09:00")],
            [],
            {},
            "closes \\(09:00\\) before it opens \\(17:00\\)",
        ),
        ("Europe/London", WEEKDAYS, [CHRISTMAS, CHRISTMAS], {}, "a holiday date is given twice"),
        ("Europe/London", WEEKDAYS, [], {"sales": "ghosts"}, "no team or queue 'ghosts'"),
        ("Europe/London", WEEKDAYS, [], {"sales": "sales"}, "cannot overflow to itself"),
    ],
)
def test_bad_opening_hours_are_refused_with_what_was_wrong(directory, tz, hours, holidays, overflow, words):
    organisation(directory, "acme", "alice")
    team(directory, "sales")
    before = directory.organisation("acme").version
    with pytest.raises(Invalid, match=words):
        directory.set_opening_hours("acme", tz, hours, holidays, overflow)
    assert directory.organisation("acme").version == before


async def test_story_an_administrator_sets_the_holidays_and_the_bus_hears_it(service, nats_server, mint):
    org = f"org-{uuid.uuid4().hex[:8]}"
    create_organisation(service, org, "boss")
    body = {
        "time_zone": "Europe/London",
        "hours": [{"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "09:00", "closes": "17:30"}],
        "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}],
        "overflow": {},
    }
    async with (
        BusWatcher(nats_server.url, "directory.>") as bus,
        client(service, mint("boss", org, "admin")) as boss,
        client(service, mint("alice", org)) as alice,
    ):
        r = await boss.put("/v1/organisation/opening-hours", json=body)
        assert r.status_code == 200 and r.json() == body, r.text
        event = await bus.next_matching(
            "directory.organisation.opening_hours_changed.v1", organisation_id=org
        )
        assert event["holidays"] == body["holidays"] and event["time_zone"] == "Europe/London"
        r = await alice.put("/v1/organisation/opening-hours", json=body)
        assert r.status_code == 403
        r = await boss.put("/v1/organisation/opening-hours", json={**body, "time_zone": "Nowhere/Land"})
        assert r.status_code == 422 and "'Nowhere/Land' is not a time zone" in r.json()["detail"]
        r = await boss.put(
            "/v1/organisation/opening-hours", json={**body, "holidays": [{"date": "2026-13-01", "name": "x"}]}
        )
        assert r.status_code == 422
