"""Schemathesis against every service's OpenAPI document (issue 11 §6): each of directory,
presence, routing, mailbox, notify and the gateway runs as a real process on a real nats-server, and every
operation is tried with generated valid and invalid inputs, with a token of each role
in turn (user, admin, service), under every schemathesis check (``--checks all``).

The mailbox's audio and fax uploads are documented as binary bodies; the serializers below
turn each generated one into a real short WAV or one-page TIFF.

It fails on any 5xx and on any answer the document does not describe (status, content type,
headers, body schema), on invalid input that is accepted, and on valid input refused with a
status other than the expected ones. Expected for valid input: 2xx, 401/403/404/409 as
schemathesis expects, and 422, documented on every operation: the domain checks what a
schema cannot say (a number must be dialable, a password must not contain the smartnumber,
a recording must be audio).

``SCHEMATHESIS_MAX_EXAMPLES`` (default 5) bounds the examples per operation and mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.serviceprocess import ServiceProcess

from gateway.tests.fake_ami import FakeAmi
from gateway.tests.gateway_process import gateway_process
from services.directory.tests.e2e import client as directory_client
from services.directory.tests.e2e import create_organisation, directory_process, new_user
from services.mailbox.tests.e2e import Directory, mailbox_process
from services.mailbox.tests.samples import tiff, tone_wav
from services.notify.tests.e2e import FakeSmsbox, SmtpServer, notify_process
from services.presence.tests.e2e import create_users, presence_process
from services.routing.tests.e2e import create_people, routing_process

pytestmark = pytest.mark.slow

AUDIO_TYPES = ("audio/wav", "audio/webm", "audio/ogg", "audio/mpeg")


@schemathesis.serializer(*AUDIO_TYPES)
def _recording(_: Any, value: Any) -> bytes:
    """A generated audio body (a string by the schema's ``format: binary``) becomes a real recording,
    so that valid cases reach the mailbox's use cases; anything else is sent as it is (invalid)."""
    return tone_wav(0.3) if isinstance(value, str | bytes) else json.dumps(value).encode()


@schemathesis.serializer("image/tiff")
def _fax(_: Any, value: Any) -> bytes:
    return tiff(1) if isinstance(value, str | bytes) else json.dumps(value).encode()


MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))
VALID_INPUT_STATUSES = ["2xx", "401", "403", "404", "409", "422"]


@dataclass
class Figures:
    operations: int = 0
    cases: int = 0
    failures: list[str] = field(default_factory=list)


def fuzz(url: str, tokens: dict[str, str]) -> Figures:
    """Every operation, valid then invalid inputs, each case with one role's token (in turn)."""
    load_all_checks()
    config = schemathesis.Config.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": VALID_INPUT_STATUSES}}}
    )
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json", config=config)
    checks: list[Any] = list(CHECKS.get_all())
    figures = Figures()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the document has an operation schemathesis cannot read: {result}"
        operation = result.ok()
        if _streams(operation.definition.raw):
            continue  # an SSE feed never ends; its own tests cover it (presence's test_feed)
        figures.operations += 1
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            # The token is a fixed header of the case, so schemathesis never counts it as mutated.
            cases = hypothesis.strategies.one_of(
                *(
                    operation.as_strategy(
                        generation_mode=mode, headers={"Authorization": f"Bearer {token}"}
                    ).map(_as(role))
                    for role, token in sorted(tokens.items())
                )
            )

            @hypothesis.given(role_and_case=cases)
            @hypothesis.settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
                suppress_health_check=list(hypothesis.HealthCheck),
            )
            def run(role_and_case: tuple[str, schemathesis.Case]) -> None:
                role, case = role_and_case
                figures.cases += 1
                try:
                    case.call_and_validate(base_url=url, checks=checks)
                except FailureGroup as group:  # failed checks: recorded, the run goes on
                    for failure in group.exceptions:
                        figures.failures.append(
                            f"{case.operation.label} [{_mode(case)}, {role}] {failure.title}: "
                            + " ".join(str(getattr(failure, "message", failure)).split())[:300]
                        )

            # Unsatisfiable: nothing invalid can be made of this operation's inputs (no parameters).
            with contextlib.suppress(hypothesis.errors.Unsatisfiable):
                run()
    return figures


def _as(role: str) -> Callable[[schemathesis.Case], tuple[str, schemathesis.Case]]:
    return lambda case: (role, case)


def _mode(case: schemathesis.Case) -> str:
    return case.meta.generation.mode.value if case.meta else "?"


def _streams(definition: dict[str, Any]) -> bool:
    return "text/event-stream" in definition.get("responses", {}).get("200", {}).get("content", {})


def report(name: str, figures: Figures, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(
            f"\nschemathesis {name}: {figures.operations} operations, {figures.cases} cases, "
            f"{len(figures.failures)} failures"
        )
    distinct = sorted(set(figures.failures))
    assert not distinct, f"{len(distinct)} distinct failures:\n" + "\n".join(distinct)


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Callable[[ServiceProcess], ServiceProcess]]:
    processes: list[ServiceProcess] = []

    def start(process: ServiceProcess) -> ServiceProcess:
        processes.append(process)
        process.start()
        return process

    yield start
    for process in processes:
        process.stop()


def fresh_org() -> str:
    """An organisation of this test's own: the session's nats-server is shared with other tests."""
    return f"fuzz-{uuid.uuid4().hex[:8]}"


def role_tokens(mint: Callable[..., str], org: str) -> dict[str, str]:
    return {
        "user": mint("alice", org),
        "admin": mint("boss", org, "admin"),
        "service": mint("gw", org, "service"),
    }


async def test_directory(tmp_path, nats_server, dev_keys, mint, started, capsys):
    service = started(directory_process(tmp_path, nats_server.url, dev_keys))
    org = fresh_org()
    create_organisation(service, org, "boss")
    async with directory_client(service, mint("boss", org, "admin")) as boss:
        await new_user(boss, "alice")
    figures = await asyncio.to_thread(fuzz, service.url, role_tokens(mint, org))
    report("directory", figures, capsys)


async def test_presence(tmp_path, nats_server, dev_keys, mint, started, capsys):
    org = fresh_org()
    service = started(presence_process(tmp_path, nats_server.url, dev_keys[1]))
    await create_users(nats_server.url, service.url, mint("boss", org, "admin"), org, "alice", "boss")
    figures = await asyncio.to_thread(fuzz, service.url, role_tokens(mint, org))
    report("presence", figures, capsys)


async def test_routing(tmp_path, nats_server, dev_keys, mint, started, capsys):
    org = fresh_org()
    service = started(routing_process(tmp_path, nats_server.url, dev_keys[1]))
    await create_people(nats_server.url, org, {"alice": "+441632960401", "boss": "+441632960402"})
    figures = await asyncio.to_thread(fuzz, service.url, role_tokens(mint, org))
    report("routing", figures, capsys)


async def test_mailbox(tmp_path, nats_server, dev_keys, mint, started, capsys):
    org = fresh_org()
    service = started(mailbox_process(tmp_path, nats_server.url, dev_keys[1]))
    await Directory(nats_server.url, service.url, mint("gw", org, "service"), org).users("alice", "boss")
    figures = await asyncio.to_thread(fuzz, service.url, role_tokens(mint, org))
    report("mailbox", figures, capsys)


async def test_notify(tmp_path, nats_server, dev_keys, mint, started, capsys):
    org = fresh_org()
    with SmtpServer() as smtp, FakeSmsbox() as smsbox:
        service = started(notify_process(tmp_path, nats_server.url, dev_keys, smtp, smsbox.url))
        figures = await asyncio.to_thread(fuzz, service.url, role_tokens(mint, org))
    report("notify", figures, capsys)


async def test_gateway(tmp_path, nats_server, dev_keys, mint, started, capsys):
    """The gateway's call control, with a real presence (where people are) and a FAKE Asterisk
    (gateway/tests/fake_ami.py); the mailbox and the directory are away, so what needs them
    answers 503 as documented."""
    org = fresh_org()
    presence = started(presence_process(tmp_path, nats_server.url, dev_keys[1]))
    await create_users(nats_server.url, presence.url, mint("boss", org, "admin"), org, "alice", "boss")
    fake_ami = FakeAmi()
    ami_port = await fake_ami.start()
    away = f"http://127.0.0.1:{free_port()}"
    try:
        gateway = gateway_process(
            tmp_path,
            nats_server.url,
            dev_keys,
            ami_port=ami_port,
            PRESENCE_URL=presence.url,
            MAILBOX_URL=away,
            DIRECTORY_URL=away,
        )
        await asyncio.to_thread(started, gateway)
        await fake_ami.logged_in()
        figures = await asyncio.to_thread(fuzz, gateway.url, role_tokens(mint, org))
    finally:
        await fake_ami.stop()
    report("gateway", figures, capsys)
