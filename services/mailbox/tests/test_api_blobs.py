"""Blobs by hash are scoped to the organisation whose mailboxes hold them (issue 11 §5)."""

from __future__ import annotations

from services.mailbox.tests.e2e import blob_files, client
from services.mailbox.tests.samples import tone_wav


async def test_a_service_reads_only_its_own_organisations_blobs(service, mint, org, directory):
    # 1. Alice of one organisation records her name; its recording is a new blob.
    await directory.users("alice")
    before = blob_files(service.tmp)
    async with client(service, mint("alice", org)) as alice:
        r = await alice.put("/v1/mailboxes/users/me/greetings/name", content=tone_wav(0.3))
        assert r.status_code == 200, r.text
    (new,) = blob_files(service.tmp) - before
    path = "/v1/blobs/" + new.replace("/", "")
    # 2. Her organisation's services fetch it.
    async with client(service, mint("gateway", org, "service")) as own:
        r = await own.get(path)
        assert r.status_code == 200 and r.content[:4] == b"RIFF", r.text
    # 3. Another organisation's service token, valid and of role service, learns nothing of it:
    #    the same answer as for a hash nobody stored.
    async with client(service, mint("gateway", f"{org}-other", "service")) as other:
        r = await other.get(path)
        assert r.status_code == 404, r.status_code
        assert r.json()["detail"] == "there is no such blob"
        assert (await other.get("/v1/blobs/" + "0" * 64)).json() == r.json()
    # 4. Alice herself is not a service: blobs by hash are for services only.
    async with client(service, mint("alice", org)) as alice:
        assert (await alice.get(path)).status_code == 403
