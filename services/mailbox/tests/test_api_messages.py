"""Voicemail through the REST API, against a real mailbox process, nats-server and blobs on disk."""

from __future__ import annotations

import httpx
import pytest
from smartnumbers_contracts import directory as wire
from smartnumbers_kit.devdirectory import publish

from services.mailbox.tests.e2e import BusWatcher, Directory, blob_files, client, envelope, eventually
from services.mailbox.tests.samples import duration_of, encoded, tone_wav


def deposit(gateway: httpx.AsyncClient, user: str, audio: bytes, **params: object):
    return gateway.post(
        f"/v1/mailboxes/users/{user}/messages",
        content=audio,
        params=params,
        headers={"Content-Type": "audio/wav"},
    )


async def test_story_a_caller_leaves_messages_and_alice_plays_saves_and_deletes_them(
    service, nats_server, mint, org, directory
):
    await directory.users("alice")
    async with (
        client(service, mint("gw", org, "service")) as gateway,
        client(service, mint("alice", org)) as alice,
        BusWatcher(nats_server.url, "mailbox.>") as bus,
    ):
        # 1. Two callers leave messages; the second is urgent. The lamp count goes 0 → 1 → 2.
        r = await deposit(gateway, "alice", tone_wav(1.0), caller_number="+441632960001", caller_name="Pam")
        assert r.status_code == 201, r.text
        first = r.json()
        second = (
            await deposit(
                gateway, "alice", tone_wav(0.5, rate=16000), caller_number="+441632960002", urgent=True
            )
        ).json()
        await bus.next_matching(
            "mailbox.mailbox.new_count_changed.v1", owner_id="alice", old_count=0, new_count=1
        )
        await bus.next_matching(
            "mailbox.mailbox.new_count_changed.v1", owner_id="alice", old_count=1, new_count=2
        )
        # 2. The phone menu's list: urgent first, with envelope and callback number.
        listed = (await alice.get("/v1/mailboxes/users/me/messages", params={"folder": "new"})).json()
        assert [m["id"] for m in listed] == [second["id"], first["id"]]
        assert listed[1]["callback_number"] == "+441632960001" and listed[1]["caller_name"] == "Pam"
        assert listed[1]["duration_seconds"] == 1.0 and "GMT" in listed[1]["arrived_local"]
        # 3. She seeks in the first message (a range), then plays it whole; it becomes Old.
        part = await alice.get(first["audio_path"], headers={"Range": "bytes=100-199"})
        assert part.status_code == 206 and len(part.content) == 100
        size = len(tone_wav(1.0))
        assert part.headers["content-range"] == f"bytes 100-199/{size}"
        whole = await alice.get(first["audio_path"])
        assert whole.content == tone_wav(1.0) and whole.headers["accept-ranges"] == "bytes"
        assert whole.content[100:200] == part.content
        beyond = await alice.get(first["audio_path"], headers={"Range": "bytes=99999-"})
        assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{size}"
        suffix = await alice.get(first["audio_path"], headers={"Range": "bytes=-50"})
        assert suffix.status_code == 206 and suffix.content == whole.content[-50:]
        await bus.next_matching(
            "mailbox.message.moved.v1", message_id=first["id"], folder="old", previous_folder="new"
        )
        # 4. She saves it, marks the urgent one old then new again, and unmarks it urgent.
        url = f"/v1/mailboxes/users/me/messages/{first['id']}"
        assert (await alice.put(url + "/folder", json={"folder": "saved"})).json()["folder"] == "saved"
        url2 = f"/v1/mailboxes/users/me/messages/{second['id']}"
        assert (await alice.put(url2 + "/folder", json={"folder": "old"})).json()["folder"] == "old"
        assert (await alice.put(url2 + "/folder", json={"folder": "new"})).json()["folder"] == "new"
        assert (await alice.put(url2 + "/urgent", json={"urgent": False})).json()["urgent"] is False
        summary = (await alice.get("/v1/mailboxes/users/me")).json()
        assert (summary["new"], summary["saved"], summary["old"]) == (1, 1, 0)
        # 5. Deleting both removes their audio from disk.
        assert len(blob_files(service.tmp)) >= 2
        for message in (first, second):
            sha = (await alice.get(f"/v1/mailboxes/users/me/messages/{message['id']}")).status_code
            assert sha == 200
            assert (await alice.delete(f"/v1/mailboxes/users/me/messages/{message['id']}")).status_code == 204
        await bus.next_matching(
            "mailbox.mailbox.new_count_changed.v1", owner_id="alice", old_count=1, new_count=0
        )
        assert (await alice.get(url)).status_code == 404


async def test_forward_with_annotation_copy_divert_reply_and_archive(
    service, nats_server, mint, org, directory
):
    await directory.users("alice", "bob", "carol", email="example.com")
    async with (
        client(service, mint("gw", org, "service")) as gateway,
        client(service, mint("alice", org)) as alice,
        client(service, mint("bob", org)) as bob,
        BusWatcher(nats_server.url, "notify.>") as notify,
    ):
        original = (await deposit(gateway, "alice", tone_wav(2.0), caller_number="+441632960001")).json()
        # 1. Alice forwards it to Bob with a recorded annotation (a browser recording), keeping her copy.
        r = await alice.post(
            f"/v1/mailboxes/users/me/messages/{original['id']}/forward",
            params={"to": "user:bob"},
            content=encoded(1.0, "webm", "libopus"),
        )
        assert r.status_code == 201, r.text
        [delivered] = r.json()
        got = (await bob.get(f"/v1/mailboxes/users/me/messages/{delivered['message_id']}")).json()
        assert got["forwarded_by"][0]["by"] == "alice" and got["forwarded_by"][0]["annotated"] is True
        assert got["duration_seconds"] == pytest.approx(3.0, abs=0.02)
        audio = (await bob.get(got["audio_path"])).content
        assert duration_of(audio) == pytest.approx(3.0, abs=0.02)
        assert (await alice.get(f"/v1/mailboxes/users/me/messages/{original['id']}")).status_code == 200
        # 2. Bob diverts it to Carol without annotation: gone from his mailbox, same audio for Carol.
        r = await bob.post(
            f"/v1/mailboxes/users/me/messages/{delivered['message_id']}/forward",
            params={"to": "user:carol", "keep": "false"},
        )
        assert r.status_code == 201, r.text
        assert (
            await bob.get(f"/v1/mailboxes/users/me/messages/{delivered['message_id']}")
        ).status_code == 404
        async with client(service, mint("carol", org)) as carol:
            [at_carol] = (await carol.get("/v1/mailboxes/users/me/messages")).json()
            assert [f["by"] for f in at_carol["forwarded_by"]] == ["alice", "bob"] and at_carol[
                "left_for"
            ] == "user:alice"
            assert (await carol.get(at_carol["audio_path"])).content == audio
            # 3. Carol's message came from a caller: no reply by voicemail; Bob sends her one and she replies.
            r = await carol.post(
                f"/v1/mailboxes/users/me/messages/{at_carol['id']}/reply", content=tone_wav(0.3)
            )
            assert r.status_code == 422 and "call the caller back" in r.json()["detail"]
            [sent] = (
                await bob.post("/v1/voicemails", params={"to": "user:carol"}, content=tone_wav(0.4))
            ).json()
            r = await carol.post(
                f"/v1/mailboxes/users/me/messages/{sent['message_id']}/reply",
                content=encoded(0.5, "mp3", "libmp3lame"),
            )
            assert r.status_code == 201 and r.json()["mailbox"] == "user:bob"
            reply = (await bob.get(f"/v1/mailboxes/users/me/messages/{r.json()['message_id']}")).json()
            assert reply["sender_user_id"] == "carol" and reply["duration_seconds"] == pytest.approx(
                0.5, abs=0.05
            )
            carol_number = f"+44163296{sum(map(ord, 'carol')) % 10000:04d}"
            assert reply["callback_number"] == carol_number and reply["caller_number"] is None
        # 4. Alice archives her original to email: a command for notify with the WAV, and it is Old.
        assert (
            await alice.post(f"/v1/mailboxes/users/me/messages/{original['id']}/archive")
        ).status_code == 202
        email = await notify.next_matching("notify.email.send.v1", organisation_id=org, reason="archive")
        assert email["to"] == "alice@example.com" and email["attachments"][0]["content_type"] == "audio/wav"
        fetched = await gateway.get(email["attachments"][0]["fetch_path"])
        assert fetched.content == tone_wav(2.0)
        assert (await alice.get(f"/v1/mailboxes/users/me/messages/{original['id']}")).json()[
            "folder"
        ] == "old"
        assert (await alice.get(email["attachments"][0]["fetch_path"])).status_code == 403


async def test_a_voicemail_to_a_team_reaches_every_member_and_is_stored_once(service, mint, org, directory):
    await directory.users("alice", "m1", "m2", "m3")
    await directory.team("sales", ["m1", "m2", "m3"])
    before = blob_files(service.tmp)
    audio = tone_wav(0.7, hz=523)
    async with client(service, mint("alice", org)) as alice:
        r = await alice.post(
            "/v1/voicemails", params={"to": ["team:sales", "user:m1"], "urgent": "true"}, content=audio
        )
        assert r.status_code == 201, r.text
        assert sorted(d["mailbox"] for d in r.json()) == ["user:m1", "user:m2", "user:m3"]
    assert len(blob_files(service.tmp) - before) == 1
    for member in ("m1", "m2", "m3"):
        async with client(service, mint(member, org)) as m:
            [message] = (await m.get("/v1/mailboxes/users/me/messages")).json()
            assert message["urgent"] and message["sender_user_id"] == "alice"


async def test_voice_to_email_sends_each_new_voicemail_and_classes_it_read(
    service, nats_server, mint, org, directory
):
    await directory.users("alice", email="example.com")
    async with (
        client(service, mint("gw", org, "service")) as gateway,
        client(service, mint("alice", org)) as alice,
        BusWatcher(nats_server.url, "notify.>") as notify,
    ):
        r = await alice.patch("/v1/mailboxes/users/me/settings", json={"voice_to_email": True})
        assert r.status_code == 200 and r.json()["voice_to_email"] is True
        message = (await deposit(gateway, "alice", tone_wav(0.4), caller_name="Pam")).json()
        email = await notify.next_matching(
            "notify.email.send.v1", organisation_id=org, reason="voice_to_email"
        )
        assert email["user_id"] == "alice" and "Pam" in email["title"]
        assert (await alice.get(f"/v1/mailboxes/users/me/messages/{message['id']}")).json()["folder"] == "old"


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"", 422, "empty"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt " + b"\x01" * 100, 422, "not audio we can read"),
        (b"hello, this is not a recording at all" * 10, 422, "not audio we can read"),
        (tone_wav(30.0), 413, "larger than"),
    ],
)
async def test_a_refused_upload_says_why_and_leaves_nothing_behind(
    service, mint, org, directory, body, status, says
):
    await directory.users("alice")
    before = blob_files(service.tmp)
    async with (
        client(service, mint("gw", org, "service")) as gateway,
        client(service, mint("alice", org)) as alice,
    ):
        r = await deposit(gateway, "alice", body)
        assert r.status_code == status and says in r.text and "Traceback" not in r.text
        r = await alice.put("/v1/mailboxes/users/me/greetings/permanent", content=body)
        assert r.status_code == status and says in r.text
        assert (await alice.get("/v1/mailboxes/users/me/messages")).json() == []
    assert blob_files(service.tmp) == before


async def test_who_may_reach_which_mailbox(service, mint, org, directory):
    await directory.users("alice", "bob", "carol")
    await directory.team("support", ["bob"])
    other = Directory(directory.nats_url, service.url, mint("gw", f"{org}-x", "service"), f"{org}-x")
    await other.users("mallory")
    async with client(service, mint("gw", org, "service")) as gateway:
        await deposit(gateway, "alice", tone_wav(0.2))
        assert (
            await gateway.post("/v1/mailboxes/teams/support/messages", content=tone_wav(0.2))
        ).status_code == 201
    async with httpx.AsyncClient(base_url=service.url) as anonymous:
        assert (await anonymous.get("/v1/mailboxes/users/alice/messages")).status_code == 401
        assert (await anonymous.get("/healthz")).status_code == 200
    async with client(service, mint("bob", org)) as bob:
        r = await bob.get("/v1/mailboxes/users/alice/messages")
        assert r.status_code == 403 and "not your mailbox" in r.json()["detail"]
        assert len((await bob.get("/v1/mailboxes/teams/support/messages")).json()) == 1
        r = await bob.post("/v1/mailboxes/users/me/messages", content=tone_wav(0.2))
        assert r.status_code == 403 and "gateway" in r.json()["detail"]
    async with client(service, mint("carol", org)) as carol:
        assert (await carol.get("/v1/mailboxes/teams/support/messages")).status_code == 403
    async with client(service, mint("boss", org, "admin")) as admin:
        assert (await admin.get("/v1/mailboxes/users/alice/messages")).status_code == 403
        r = await admin.patch("/v1/mailboxes/users/alice/settings", json={"fax_delivery": "mailbox"})
        assert r.status_code == 200
    async with client(service, mint("mallory", f"{org}-x")) as mallory:
        r = await mallory.post("/v1/voicemails", params={"to": "user:alice"}, content=tone_wav(0.2))
        assert r.status_code == 404 and "'alice'" in r.json()["detail"]
    async with client(service, mint("root", f"{org}-x", "admin")) as other_admin:
        assert (await other_admin.get("/v1/mailboxes/users/alice")).status_code == 404


async def test_the_directory_shapes_mailboxes_and_copies_reach_teams(
    service, nats_server, mint, org, directory
):
    await directory.users("alice", "bob", "carol")
    await directory.team("sales", ["bob"])
    async with (
        client(service, mint("gw", org, "service")) as gateway,
        client(service, mint("alice", org)) as alice,
        client(service, mint("carol", org)) as carol,
    ):
        # 1. Alice has no email address yet: voice-to-email is refused, saying why.
        r = await alice.patch("/v1/mailboxes/users/me/settings", json={"voice_to_email": True})
        assert r.status_code == 422 and "no email address" in r.json()["detail"]
        # 2. The directory gives her one, and moves Carol into sales.
        await publish(
            nats_server.url,
            wire.UserUpdated(
                **envelope(org),
                user_id="alice",
                profile=wire.UserProfile(display_name="Alice", email="alice@example.com"),
            ),
            wire.TeamUpdated(
                **envelope(org),
                team_id="sales",
                team=wire.TeamDefinition(kind=wire.TeamKind.TEAM, name="Sales", members=["bob", "carol"]),
            ),
        )
        await eventually(
            lambda: alice.patch("/v1/mailboxes/users/me/settings", json={"voice_to_email": True}),
            lambda r: r.status_code == 200,
        )
        await eventually(
            lambda: carol.get("/v1/mailboxes/teams/sales/messages"), lambda r: r.status_code == 200
        )
        # 3. The gateway sends for Bob (signed in with his PIN); Alice copies it to the sales team.
        r = await gateway.post(
            "/v1/voicemails", params={"to": "user:alice", "sender": "bob"}, content=tone_wav(0.3)
        )
        assert r.status_code == 201, r.text
        [message] = (await alice.get("/v1/mailboxes/users/me/messages")).json()
        assert message["sender_user_id"] == "bob"
        r = await alice.post(
            f"/v1/mailboxes/users/me/messages/{message['id']}/forward", params={"to": "team:sales"}
        )
        assert sorted(d["mailbox"] for d in r.json()) == ["user:bob", "user:carol"]
        assert len((await carol.get("/v1/mailboxes/users/me/messages")).json()) == 1
        # 4. Removing Carol closes her mailbox; nobody can leave her a message.
        await publish(nats_server.url, wire.UserRemoved(**envelope(org), user_id="carol"))
        await eventually(lambda: gateway.get("/v1/mailboxes/users/carol"), lambda r: r.status_code == 404)
        r = await gateway.post("/v1/mailboxes/users/carol/messages", content=tone_wav(0.2))
        assert r.status_code == 404
        r = await alice.post(
            "/v1/voicemails", params={"to": "user:alice", "sender": "bob"}, content=tone_wav(0.2)
        )
        assert r.status_code == 403 and "only as yourself" in r.json()["detail"]


async def test_story_a_colleague_calling_from_their_smartnumber_can_be_replied_to_and_is_named(
    service, nats_server, mint, org, directory
):
    """§5.3.3 Reply and §5.3.6 Archive: a message left from a user's own number is that user's."""
    await directory.users("alice", "bob", email="example.com")
    bob_number = f"+44163296{sum(map(ord, 'bob')) % 10000:04d}"  # the stand-in directory's
    async with (
        client(service, mint("gw", org, "service")) as gateway,
        client(service, mint("alice", org)) as alice,
        client(service, mint("bob", org)) as bob,
        BusWatcher(nats_server.url, "notify.>") as notify,
    ):
        # 1. Bob calls Alice from his smartnumber and leaves a message (the network gives no name).
        left = (await deposit(gateway, "alice", tone_wav(0.5), caller_number=bob_number)).json()
        assert (left["sender_user_id"], left["caller_name"]) == ("bob", "Bob")
        # 2. Alice replies by voicemail: it reaches Bob's mailbox.
        r = await alice.post(f"/v1/mailboxes/users/me/messages/{left['id']}/reply", content=tone_wav(0.3))
        assert r.status_code == 201 and r.json()["mailbox"] == "user:bob", r.text
        [reply] = (await bob.get("/v1/mailboxes/users/me/messages")).json()
        assert (reply["sender_user_id"], reply["caller_name"]) == ("alice", "Alice")
        # 3. Archived, the email says who left it.
        assert (await alice.post(f"/v1/mailboxes/users/me/messages/{left['id']}/archive")).status_code == 202
        email = await notify.next_matching("notify.email.send.v1", organisation_id=org, reason="archive")
        assert email["title"] == "Voicemail from Bob"
        # 4. Bob archives Alice's reply (no caller number): it names her, not "an unknown caller".
        assert (await bob.post(f"/v1/mailboxes/users/me/messages/{reply['id']}/archive")).status_code == 202
        email = await notify.next_matching("notify.email.send.v1", organisation_id=org, user_id="bob")
        assert email["title"] == "Voicemail from Alice"
