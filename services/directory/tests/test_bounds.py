"""Every input of the directory is bounded, and organisation settings are validated
(issue 11 §1), against a real directory process."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from .e2e import client, create_organisation


@pytest.fixture
def org() -> str:
    return f"org-{uuid.uuid4().hex[:8]}"


async def test_an_unknown_default_country_is_a_422_naming_the_field(service, mint, org):
    create_organisation(service, org, "boss")
    async with client(service, mint("boss", org, "admin")) as boss:
        before = (await boss.get("/v1/organisation")).json()
        r = await boss.put("/v1/organisation", json={**before, "default_country": "XX"})
        assert r.status_code == 422, r.text
        [problem] = r.json()["detail"]
        assert problem["field"] == "default_country" and "'XX'" in problem["message"]
        assert (await boss.get("/v1/organisation")).json() == before
        r = await boss.put("/v1/organisation", json={**before, "password_min_length": 3})
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "password_min_length"
        r = await boss.put("/v1/organisation", json={**before, "default_country": "FR"})
        assert r.status_code == 200 and (await boss.get("/v1/organisation")).json()["default_country"] == "FR"


def test_the_admin_cli_refuses_an_unknown_country(service, org):
    import os
    import subprocess
    import sys

    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "smartnumbers_directory.admin_cli",
            "create-organisation",
            "--org",
            org,
            "--name",
            "Nowhere",
            "--country",
            "XX",
            "--admin",
            "boss",
            "--admin-password",
            "739182",
        ],
        env={**os.environ, **service.env},
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "'XX'" in refused.stderr


async def test_a_contact_with_too_many_numbers_is_refused_naming_the_list_and_limit(service, mint, org):
    create_organisation(service, org, "boss")
    async with client(service, mint("boss", org, "admin")) as boss:
        before = (await boss.get("/v1/contacts")).json()
        many = {"last_name": "Many", "numbers": {"mobile": [f"07700 9{i:05d}" for i in range(11)]}}
        r = await boss.post("/v1/contacts", json=many)
        assert r.status_code == 422, r.text
        [problem] = r.json()["detail"]
        assert problem["field"] == "numbers.mobile" and "at most 10 items" in problem["message"]
        long = await boss.post("/v1/contacts", json={"last_name": "X", "job_title": "j" * 201})
        assert long.status_code == 422
        assert long.json()["detail"][0]["field"] == "job_title" and "200 characters" in long.text
        assert (await boss.get("/v1/contacts")).json() == before


async def test_the_600000_numbers_contact_is_refused_with_413_before_it_is_read(service, mint, org):
    """The issue's attack: a 9.6 MB contact. Refused on its declared length, before a byte of it
    is sent (the client sends only the headers and still gets its answer)."""
    create_organisation(service, org, "boss")
    body = b'{"last_name": "Big", "numbers": {"mobile": [' + b'"07700900001",' * 600_000 + b'"x"]}}'
    reader, writer = await asyncio.open_connection("127.0.0.1", service.port)
    head = (
        f"POST /v1/contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {mint('boss', org, 'admin')}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    writer.write(head.encode())
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 413 Request Entity Too Large"
    assert json.loads(rest.partition(b"\r\n\r\n")[2]) == {
        "error": "too_large",
        "detail": "the request body is larger than 262144 bytes",
    }
    async with client(service, mint("boss", org, "admin")) as boss:
        assert (await boss.get("/v1/contacts")).status_code == 200


async def test_an_empty_reverse_lookup_number_is_refused_by_the_schema(service, mint, org):
    create_organisation(service, org, "boss")
    async with client(service, mint("boss", org, "admin")) as boss:
        r = await boss.get("/v1/reverse-lookup", params={"number": ""})
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == "number"
        doc = (await boss.get("/openapi.json")).json()
    [number] = [p for p in doc["paths"]["/v1/reverse-lookup"]["get"]["parameters"] if p["name"] == "number"]
    assert number["schema"]["minLength"] == 1
