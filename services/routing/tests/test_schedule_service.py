"""Weekly schedules over REST: presence keeps one, routing's explain mode answers "now" and
"at 19:00 on Saturday" (read in the callee's time zone). Real processes, real nats-server."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from smartnumbers_routing import cli

from services.routing.tests.test_service import as_user, numbers, org, people, services

__all__ = ["org", "services"]  # fixtures
WEEK = [
    {
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "09:00",
        "location": "mobile",
        "availability": "available",
    },
    {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "17:30", "availability": "no_messages"},
    {"days": ["sat"], "start": "00:00", "availability": "voicemail"},
]


async def test_story_adam_schedules_his_week_and_asks_where_a_saturday_evening_call_goes(
    services, nats_server, mint, org, capsys
):
    presence, routing = services
    adam_number, _ = numbers()
    await people(nats_server.url, presence.url, mint, org, adam=adam_number)
    async with (
        as_user(presence.url, mint("adam", org)) as adam_p,
        as_user(routing.url, mint("adam", org)) as adam_r,
    ):
        await adam_p.patch("/v1/users/me/numbers", json={"mobile": "07700 900100"})
        r = await adam_p.put("/v1/users/me/schedule", json={"time_zone": "Europe/London", "periods": WEEK})
        assert r.status_code == 200, r.text
        schedule = r.json()
        # His settings stay his own until the next period starts; the API says so.
        assert schedule["overridden"] is True
        assert schedule["says"].startswith(
            "Your current settings (None, Available) are your own: they hold until"
        )
        plan = (await adam_r.get("/v1/route", params={"to": adam_number})).json()
        assert (
            plan["reasons"][0].startswith("Your own settings hold until") and plan["rules"][0] == "schedule"
        )
        # Saturday 19:00 where Adam is (no offset given: his time zone).
        london = datetime.now(UTC).astimezone(ZoneInfo("Europe/London"))
        saturday = (london + timedelta(days=(5 - london.weekday()) % 7 or 7)).date()
        plan = (await adam_r.get("/v1/route", params={"to": adam_number, "at": f"{saturday}T19:00"})).json()
        assert [s["kind"] for s in plan["steps"]] == ["voicemail"]
        assert plan["reasons"][0] == (
            "At Saturday 19:00 (Europe/London), your schedule's period from Saturday 00:00 sets Voicemail (schedule)."
        )
        # The same from the command line.
        await asyncio.to_thread(
            cli.main,
            [
                "--to",
                adam_number,
                "--at",
                f"{saturday}T19:00",
                "--token",
                mint("adam", org),
                "--url",
                routing.url,
            ],
        )
        assert "your schedule's period from Saturday 00:00 sets Voicemail" in capsys.readouterr().out
        # The following Monday 10:00: his mobile rings.
        monday = saturday + timedelta(days=2)
        plan = (await adam_r.get("/v1/route", params={"to": adam_number, "at": f"{monday}T10:00"})).json()
        first = plan["steps"][0]
        assert (first["kind"], first["targets"]) == ("ring", ["+447700900100"])
        # Bad input says what was wrong.
        r = await adam_r.get("/v1/route", params={"to": adam_number, "at": "Saturday evening"})
        assert r.status_code == 422 and "not an ISO 8601 date and time" in r.json()["detail"]
        r = await adam_p.put("/v1/users/me/schedule", json={"time_zone": "Mars/Olympus", "periods": WEEK})
        assert r.status_code == 422 and "'Mars/Olympus' is not a time zone" in r.json()["detail"]
        r = await adam_p.put(
            "/v1/users/me/schedule",
            json={"time_zone": "Europe/London", "periods": [{"days": ["mon"], "start": "25:00"}]},
        )
        assert r.status_code == 422
        # Cleared: no schedule, no note.
        r = await adam_p.put("/v1/users/me/schedule", json={"time_zone": None, "periods": []})
        assert r.json()["says"].startswith("No schedule")
        plan = (await adam_r.get("/v1/route", params={"to": adam_number})).json()
        assert "schedule" not in plan["rules"]
