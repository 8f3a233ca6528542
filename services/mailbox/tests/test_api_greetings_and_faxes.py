"""Greetings, extended absence, message alerts and faxes through the REST API (user guide §3.5, §3.9,
§5.1, §5.5-§5.7)."""

from __future__ import annotations

from smartnumbers_contracts import presence

from services.mailbox.tests.e2e import BusWatcher, blob_files, client, envelope, eventually, publish_on_bus
from services.mailbox.tests.samples import tiff, tone_wav


def location_changed(org: str, user: str, cause: str = "selected") -> presence.LocationChanged:
    return presence.LocationChanged(
        **envelope(org),
        user_id=user,
        location="desk",
        number="+441632960001",
        previous_location="desk",
        cause=cause,
    )


async def test_story_greetings_decide_what_callers_hear_and_extended_absence_ends_with_a_location(
    service, nats_server, mint, org, directory
):
    await directory.users("alice")
    async with (
        client(service, mint("alice", org)) as alice,
        client(service, mint("gw", org, "service")) as gw,
        BusWatcher(nats_server.url, "mailbox.>") as bus,
    ):
        heard = lambda: gw.get("/v1/mailboxes/users/alice/greeting")  # noqa: E731
        # 1. Nothing recorded: the system default speaks her number.
        first = (await heard()).json()
        assert first["heard"] == "default_with_number" and first["number"] == "+441632960100"
        # 2. Name, then permanent, then today's greeting: each changes what callers hear.
        for greeting, expected in [
            ("name", "default_with_name"),
            ("permanent", "permanent"),
            ("today", "today"),
        ]:
            r = await alice.put(f"/v1/mailboxes/users/me/greetings/{greeting}", content=tone_wav(0.5))
            assert r.status_code == 200, r.text
            assert (await heard()).json()["heard"] == expected
            await bus.next_matching(
                "mailbox.greeting.changed.v1", owner_id="alice", greeting=greeting, heard=expected
            )
        today = (await heard()).json()
        played = await gw.get(today["audio_path"], headers={"Range": "bytes=0-43"})
        assert played.status_code == 206 and played.content[:4] == b"RIFF"
        # 3. Extended absence without its greeting is refused, saying to record it first.
        r = await alice.put("/v1/mailboxes/users/me/extended-absence", json={"enabled": True})
        assert r.status_code == 422 and "record your extended absence greeting first" in r.json()["detail"]
        await alice.put("/v1/mailboxes/users/me/greetings/extended_absence", content=tone_wav(0.6))
        r = await alice.put("/v1/mailboxes/users/me/extended-absence", json={"enabled": True})
        assert r.json()["extended_absence"] is True
        assert (await heard()).json()["takes_messages"] is False
        await bus.next_matching("mailbox.extended_absence.enabled.v1", owner_id="alice")
        r = await gw.post("/v1/mailboxes/users/alice/messages", content=tone_wav(0.2))
        assert r.status_code == 409 and "callers cannot leave a message" in r.json()["detail"]
        # 4. A hot-desk logout is not her choice; selecting a location (even the same one) turns it off.
        await publish_on_bus(nats_server.url, location_changed(org, "alice", cause="hot_desk"))
        await publish_on_bus(nats_server.url, location_changed(org, "alice"))
        await bus.next_matching(
            "mailbox.extended_absence.disabled.v1", owner_id="alice", cause="location_selected"
        )
        assert (await heard()).json()["heard"] == "today"
        assert (await gw.post("/v1/mailboxes/users/alice/messages", content=tone_wav(0.2))).status_code == 201
        # 5. Removing today's greeting falls back to the permanent one.
        assert (await alice.delete("/v1/mailboxes/users/me/greetings/today")).status_code == 204
        assert (await heard()).json()["heard"] == "permanent"
        r = await alice.delete("/v1/mailboxes/users/me/greetings/today")
        assert r.status_code == 404 and "no today recording" in r.json()["detail"]


def availability_changed(org: str, user: str, availability: str) -> presence.AvailabilityChanged:
    return presence.AvailabilityChanged(**envelope(org), user_id=user, availability=availability)


async def test_story_with_availability_no_messages_callers_cannot_leave_a_message(
    service, nats_server, mint, org, directory
):
    """§3.6 No messages: "callers will not be able to leave voicemail messages" — also when they
    dial the mailbox number, where the gateway asks this greeting whether to record."""
    await directory.users("alice", "bob")
    async with client(service, mint("gw", org, "service")) as gw, client(service, mint("bob", org)) as bob:
        heard = lambda: gw.get("/v1/mailboxes/users/alice/greeting")  # noqa: E731
        assert (await heard()).json()["takes_messages"] is True
        # 1. Alice chooses No messages (presence): callers hear her greeting, and no message is taken.
        await publish_on_bus(nats_server.url, availability_changed(org, "alice", "no_messages"))
        await eventually(heard, lambda r: r.json()["takes_messages"] is False)
        r = await gw.post("/v1/mailboxes/users/alice/messages", content=tone_wav(0.2))
        assert r.status_code == 409 and "No messages: callers cannot leave a message" in r.json()["detail"]
        # 2. A colleague may still send her a voicemail (§5.4): that is not a caller's message.
        r = await bob.post("/v1/voicemails", params={"to": "user:alice"}, content=tone_wav(0.2))
        assert r.status_code == 201, r.text
        # 3. Available again: callers may leave messages again.
        await publish_on_bus(nats_server.url, availability_changed(org, "alice", "available"))
        await eventually(heard, lambda r: r.json()["takes_messages"] is True)
        assert (await gw.post("/v1/mailboxes/users/alice/messages", content=tone_wav(0.2))).status_code == 201


async def test_a_team_has_a_name_recording_its_members_record(service, mint, org, directory):
    await directory.users("bob", "carol")
    await directory.team("sales", ["bob"])
    async with client(service, mint("bob", org)) as bob, client(service, mint("carol", org)) as carol:
        assert (
            await bob.put("/v1/mailboxes/teams/sales/greetings/name", content=tone_wav(0.3))
        ).status_code == 200
        r = await bob.put("/v1/mailboxes/teams/sales/greetings/permanent", content=tone_wav(0.3))
        assert r.status_code == 422 and "name recording only" in r.json()["detail"]
        assert (
            await carol.put("/v1/mailboxes/teams/sales/greetings/name", content=tone_wav(0.3))
        ).status_code == 403


async def test_story_message_alerts_are_set_partially_and_the_lamp_follows_its_setting(
    service, nats_server, mint, org, directory
):
    await directory.users("alice", "bob")
    await directory.team("sales", ["alice"])
    everything_off = {"call": False, "sms": False, "message_waiting": False, "email": False, "pager": False}
    async with (
        client(service, mint("alice", org)) as alice,
        client(service, mint("gw", org, "service")) as gw,
        BusWatcher(nats_server.url, "mailbox.>") as bus,
    ):
        settings = "/v1/mailboxes/users/me/settings"
        # 1. At first only the message-waiting light is on (§3.5).
        assert (await alice.get("/v1/mailboxes/users/me")).json()["alerts"] == {
            **everything_off,
            "message_waiting": True,
        }
        # 2. She wants a text message and no lamp: only those two change; the bus hears the full state.
        r = await alice.patch(settings, json={"alerts": {"sms": True, "message_waiting": False}})
        assert r.status_code == 200, r.text
        assert r.json()["alerts"] == {**everything_off, "sms": True}
        changed = await bus.next_matching("mailbox.mailbox.message_alerts_changed.v1", owner_id="alice")
        assert changed["organisation_id"] == org and changed["alerts"] == {**everything_off, "sms": True}
        # 3. A caller leaves a message: the count says the lamp stays off.
        deposited = await gw.post("/v1/mailboxes/users/alice/messages", content=tone_wav(0.2))
        assert deposited.status_code == 201
        count = await bus.next_matching("mailbox.mailbox.new_count_changed.v1", owner_id="alice", new_count=1)
        assert count["message_waiting_light"] is False
        # 4. The gateway (her phone menu) switches the lamp on: the count is announced again, lamp on.
        r = await gw.patch("/v1/mailboxes/users/alice/settings", json={"alerts": {"message_waiting": True}})
        assert r.json()["alerts"] == {**everything_off, "sms": True, "message_waiting": True}
        await bus.next_matching(
            "mailbox.mailbox.new_count_changed.v1",
            owner_id="alice",
            old_count=1,
            new_count=1,
            message_waiting_light=True,
        )
        # 5. Setting what is set changes nothing and announces nothing.
        assert (await alice.patch(settings, json={"alerts": {"sms": True}})).status_code == 200
        await alice.patch(settings, json={"alerts": {"pager": True}})
        await bus.next_matching(
            "mailbox.mailbox.message_alerts_changed.v1",
            owner_id="alice",
            alerts={**everything_off, "sms": True, "message_waiting": True, "pager": True},
        )
        subjects = [
            s for s, p in bus.messages if p.get("owner_id") == "alice" and p["organisation_id"] == org
        ]
        assert subjects.count("mailbox.mailbox.message_alerts_changed.v1") == 3
        # 6. Unknown alerts, non-booleans, a team's mailbox and someone else's are refused.
        r = await alice.patch(settings, json={"alerts": {"fax": True}})
        assert r.status_code == 422 and "fax" in r.text
        r = await alice.patch(settings, json={"alerts": {"sms": "loud"}})
        assert r.status_code == 422 and "sms" in r.text
        r = await alice.patch("/v1/mailboxes/teams/sales/settings", json={"alerts": {"sms": True}})
        assert r.status_code == 422 and "message alerts are a user's" in r.json()["detail"]
        async with client(service, mint("bob", org)) as bob:
            r = await bob.patch("/v1/mailboxes/users/alice/settings", json={"alerts": {"sms": False}})
            assert r.status_code == 403
        assert (await alice.get("/v1/mailboxes/users/me")).json()["alerts"]["sms"] is True


async def test_story_faxes_arrive_are_delivered_as_chosen_and_are_kept_forwarded_or_deleted(
    service, nats_server, mint, org, directory
):
    await directory.users("alice", "bob", email="example.com")
    await publish_on_bus(
        nats_server.url,
        presence.NumbersChanged(
            **envelope(org), user_id="alice", numbers=presence.Numbers(office_fax="+441632960999")
        ),
    )
    async with (
        client(service, mint("alice", org)) as alice,
        client(service, mint("gw", org, "service")) as gw,
        BusWatcher(nats_server.url, ">") as bus,
    ):
        # 1. Presence told the mailbox her office fax number; she wants faxes on that machine.
        await eventually(
            lambda: alice.get("/v1/mailboxes/users/me"),
            lambda r: r.json()["fax_numbers"].get("office_fax") == "+441632960999",
        )
        r = await alice.patch("/v1/mailboxes/users/me/settings", json={"fax_delivery": "office_fax"})
        assert r.json()["fax_delivery"] == "office_fax"

        async def receive(pages: int) -> dict:
            r = await gw.post(
                "/v1/mailboxes/users/alice/faxes",
                content=tiff(pages),
                params={"caller_number": "+441632960555"},
                headers={"Content-Type": "image/tiff"},
            )
            assert r.status_code == 201, r.text
            return r.json()

        # 2. A fax arrives: the gateway is told to deliver it to that machine.
        fax = await receive(2)
        assert fax["pages"] == 2
        deliver = await bus.next_matching("gateway.fax.deliver.v1", organisation_id=org)
        assert (deliver["to_number"], deliver["pages"], deliver["fax_id"]) == ("+441632960999", 2, fax["id"])
        # 3. Fax-to-email: the next fax is emailed as a TIFF attachment.
        await alice.patch("/v1/mailboxes/users/me/settings", json={"fax_delivery": "email"})
        emailed = await receive(3)
        email = await bus.next_matching("notify.email.send.v1", organisation_id=org, reason="fax_to_email")
        assert (
            email["attachments"][0]["content_type"] == "image/tiff"
            and emailed["id"] in email["attachments"][0]["filename"]
        )
        # 4. She views one (a range), saves it, forwards it to Bob and deletes the other.
        image = await alice.get(fax["image_path"], headers={"Range": "bytes=0-3"})
        assert image.status_code == 206 and image.content in (b"II*\x00", b"MM\x00*")
        assert (await alice.post(f"/v1/mailboxes/users/me/faxes/{fax['id']}/save")).json()[
            "folder"
        ] == "saved"
        r = await alice.post(f"/v1/mailboxes/users/me/faxes/{fax['id']}/forward", params={"to": "user:bob"})
        assert r.status_code == 201 and r.json()["forwarded_by"] == ["alice"]
        async with client(service, mint("bob", org)) as bob:
            [copy] = (await bob.get("/v1/mailboxes/users/me/faxes")).json()
            assert (await bob.get(copy["image_path"])).content == (await alice.get(fax["image_path"])).content
            # From her phone's Fax menu (§5.7.1) the gateway forwards it for her: she is the forwarder.
            r = await gw.post(
                f"/v1/mailboxes/users/alice/faxes/{fax['id']}/forward", params={"to": "user:bob"}
            )
            assert r.status_code == 201 and r.json()["forwarded_by"] == ["alice"], r.text
            assert len((await bob.get("/v1/mailboxes/users/me/faxes")).json()) == 2
        assert (await alice.delete(f"/v1/mailboxes/users/me/faxes/{emailed['id']}")).status_code == 204
        assert [f["id"] for f in (await alice.get("/v1/mailboxes/users/me/faxes")).json()] == [fax["id"]]
        # 5. What is not a TIFF is refused and leaves nothing behind.
        before = blob_files(service.tmp)
        r = await gw.post("/v1/mailboxes/users/alice/faxes", content=tone_wav(0.2))
        assert r.status_code == 422 and "TIFF" in r.json()["detail"]
        assert blob_files(service.tmp) == before
