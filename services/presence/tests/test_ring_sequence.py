"""Personal ring sequences: presence owns the setting, validates it and publishes it."""

from __future__ import annotations

import uuid

import httpx
import pytest
from smartnumbers_kit.errors import Invalid

from services.presence.tests.e2e import BusWatcher, create_users, presence_process
from services.presence.tests.enrolment import enrol


def test_a_sequence_of_the_users_own_numbers_is_kept_and_an_unchanged_one_records_nothing(presence):
    enrol(presence, "acme", "alice")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001", "mobile": "07700 900001"})
    presence.set_ring_sequence("acme", "alice", [(("desk",), 10), (("desk", "mobile"), 20)])
    alice = presence.presence_of("acme", "alice")
    assert alice.ring_sequence == [(("desk",), 10), (("desk", "mobile"), 20)]
    presence.set_ring_sequence("acme", "alice", [(("desk",), 10), (("desk", "mobile"), 20)])
    assert presence.presence_of("acme", "alice").version == alice.version


@pytest.mark.parametrize(
    ("steps", "words"),
    [
        ([(("home",), 10)], "you have no home number"),
        ([(("temporary",), 10)], "'temporary' is not one of your kept numbers"),
        ([(("office_fax",), 10)], "not one of your kept numbers"),
        ([((), 10)], "step 1 rings no number"),
        ([(("desk", "desk"), 10)], "the same number twice"),
        ([(("desk",), 10), (("desk",), 121)], "step 2 rings for 121 s"),
        ([(("desk",), 4)], "between 5 and 120 s"),
        ([(("desk",), 10)] * 6, "at most 5 steps"),
    ],
)
def test_a_sequence_is_refused_with_what_was_wrong_and_nothing_is_stored(presence, steps, words):
    enrol(presence, "acme", "alice")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001"})
    before = presence.presence_of("acme", "alice").version
    with pytest.raises(Invalid, match=words):
        presence.set_ring_sequence("acme", "alice", steps)
    assert presence.presence_of("acme", "alice").version == before


def test_a_number_the_sequence_rings_cannot_be_removed(presence):
    enrol(presence, "acme", "alice")
    presence.change_numbers("acme", "alice", {"desk": "01632 960001", "mobile": "07700 900001"})
    presence.set_ring_sequence("acme", "alice", [(("desk", "mobile"), 15)])
    with pytest.raises(Invalid, match="your ring sequence rings your mobile number"):
        presence.change_numbers("acme", "alice", {"mobile": None})
    presence.set_ring_sequence("acme", "alice", [])
    presence.change_numbers("acme", "alice", {"mobile": None})
    assert presence.presence_of("acme", "alice").numbers["mobile"] is None


@pytest.fixture(scope="module")
def service(tmp_path_factory, nats_server, dev_keys):
    process = presence_process(tmp_path_factory.mktemp("presence"), nats_server.url, dev_keys[1])
    process.start()
    yield process
    process.stop()


async def test_story_alice_sets_her_sequence_over_rest_and_the_bus_hears_it(service, nats_server, mint):
    org = f"org-{uuid.uuid4().hex[:8]}"
    await create_users(nats_server.url, service.url, mint("admin", org, "admin"), org, "alice", "bob")
    headers = {"Authorization": f"Bearer {mint('alice', org)}"}
    async with (
        httpx.AsyncClient(base_url=service.url, headers=headers) as alice,
        BusWatcher(nats_server.url) as bus,
    ):
        await alice.patch("/v1/users/me/numbers", json={"desk": "01632 960001", "mobile": "07700 900001"})
        sequence = {
            "steps": [{"numbers": ["desk"], "seconds": 10}, {"numbers": ["desk", "mobile"], "seconds": 20}]
        }
        r = await alice.put("/v1/users/me/ring-sequence", json=sequence)
        assert r.status_code == 200, r.text
        assert r.json() == {"user_id": "alice", **sequence, "then": "voicemail", "used": False}
        event = await bus.next_matching(
            "presence.user.ring_sequence_changed.v1", organisation_id=org, user_id="alice"
        )
        assert event["steps"] == sequence["steps"]
        # Bad input: a 4xx that says what was wrong, and the sequence stays as it was.
        r = await alice.put(
            "/v1/users/me/ring-sequence", json={"steps": [{"numbers": ["home"], "seconds": 10}]}
        )
        assert r.status_code == 422 and "you have no home number" in r.json()["detail"], r.text
        r = await alice.put(
            "/v1/users/me/ring-sequence", json={"steps": [{"numbers": ["desk"], "seconds": "x"}]}
        )
        assert r.status_code == 422
        assert (await alice.get("/v1/users/me/ring-sequence")).json()["steps"] == sequence["steps"]
        # Only her own: Bob cannot change hers.
        async with httpx.AsyncClient(
            base_url=service.url, headers={"Authorization": f"Bearer {mint('bob', org)}"}
        ) as bob:
            r = await bob.put("/v1/users/alice/ring-sequence", json={"steps": []})
            assert r.status_code == 403
        r = await alice.put("/v1/users/me/ring-sequence", json={"steps": []})
        assert r.json()["steps"] == []
