"""``make run`` tells every service where the others are, and refuses ports already in use."""

from __future__ import annotations

import importlib
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from smartnumbers_kit.devstack import SERVICES, busy_ports, service_env
from smartnumbers_kit.natsserver import free_port

SETTINGS = {
    "directory": "smartnumbers_directory.settings:DirectorySettings",
    "presence": "smartnumbers_presence.settings:PresenceSettings",
    "routing": "smartnumbers_routing.settings:RoutingSettings",
    "mailbox": "smartnumbers_mailbox.settings:MailboxSettings",
    "gateway": "smartnumbers_gateway.settings:GatewaySettings",
    "notify": "smartnumbers_notify.settings:NotifySettings",
    "web": "smartnumbers_web.settings:WebSettings",
}


def settings_of(name: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> object:
    module, cls = SETTINGS[name].split(":")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return getattr(importlib.import_module(module), cls)()


def test_with_non_default_ports_every_service_is_told_where_every_other_listens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ports = {s.port_var: str(20000 + i) for i, s in enumerate(SERVICES)}
    env = service_env({"PATH": os.environ["PATH"], **ports}, tmp_path, "127.0.0.1")

    for service in SERVICES:
        settings = settings_of(service.name, env, monkeypatch)
        assert settings.port == int(ports[service.port_var]), service.name  # type: ignore[attr-defined]
        for other in SERVICES:
            assert env[other.url_var] == f"http://127.0.0.1:{ports[other.port_var]}"

    gateway = settings_of("gateway", env, monkeypatch)
    assert gateway.presence_url == f"http://127.0.0.1:{ports['PRESENCE_PORT']}"  # type: ignore[attr-defined]
    assert gateway.mailbox_url == f"http://127.0.0.1:{ports['MAILBOX_PORT']}"  # type: ignore[attr-defined]
    assert gateway.directory_url == f"http://127.0.0.1:{ports['DIRECTORY_PORT']}"  # type: ignore[attr-defined]
    notify = settings_of("notify", env, monkeypatch)
    assert notify.mailbox_url == f"http://127.0.0.1:{ports['MAILBOX_PORT']}"  # type: ignore[attr-defined]
    assert notify.routing_url == f"http://127.0.0.1:{ports['ROUTING_PORT']}"  # type: ignore[attr-defined]


def test_a_port_in_use_is_named_and_a_free_one_is_not() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        free = free_port()
        assert busy_ports("127.0.0.1", {"PRESENCE_PORT": busy, "ROUTING_PORT": free}) == [
            f"PRESENCE_PORT={busy} (in use)"
        ]


def test_make_run_refuses_to_start_anything_when_a_port_is_in_use(tmp_path: Path) -> None:
    ports = {var: str(free_port()) for var in ("NATS_PORT", "NATS_MONITOR_PORT", "FASTAGI_PORT", "SMTP_PORT")}
    ports |= {s.port_var: str(free_port()) for s in SERVICES}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        ports["ROUTING_PORT"] = str(taken.getsockname()[1])
        env = {k: v for k, v in os.environ.items() if k != "NATS_URL"} | ports | {"VAR_DIR": str(tmp_path)}
        run = subprocess.run(
            [sys.executable, "-m", "smartnumbers_kit.devrun"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert run.returncode == 1
    assert f"ROUTING_PORT={ports['ROUTING_PORT']} (in use)" in run.stderr
    assert "nothing was started" in run.stderr
    assert "is running" not in run.stdout
    assert not (tmp_path / "nats.log").exists()  # NATS was not even tried


def free_ports() -> dict[str, str]:
    ports = {
        var: str(free_port())
        for var in ("NATS_PORT", "NATS_MONITOR_PORT", "FASTAGI_PORT", "SMTP_PORT", "AMI_PORT")
    }
    return ports | {s.port_var: str(free_port()) for s in SERVICES}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("failing", "setting", "said"),
    [
        ("asterisk", {"ASTERISK_BIN": "fake-asterisk"}, r"asterisk did not start \(exit code 3\)"),
        ("a service", {"ENVIRONMENT": "production"}, r"directory did not start \(exit code \d+\)"),
    ],
)
def test_a_part_failing_at_start_stops_everything_already_started(
    tmp_path: Path, failing: str, setting: dict[str, str], said: str
) -> None:
    if "ASTERISK_BIN" in setting:
        fake = tmp_path / "bin" / "asterisk"
        fake.parent.mkdir()
        fake.write_text("#!/bin/sh\necho 'Unable to load module' >&2\nexit 3\n")
        fake.chmod(0o755)
        setting = {"ASTERISK_BIN": str(fake)}
    ports = free_ports()
    env = {k: v for k, v in os.environ.items() if k not in ("NATS_URL", "ASTERISK_BIN")}
    run = subprocess.run(
        [sys.executable, "-m", "smartnumbers_kit.devrun"],
        env=env | ports | setting | {"VAR_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, failing
    assert re.search(said + ".*stopping everything", run.stderr), run.stderr
    assert "stopped." in run.stderr
    assert "is running" not in run.stdout
    assert (tmp_path / "var" / "nats.log").exists()  # NATS had been started…
    assert busy_ports("127.0.0.1", {k: int(v) for k, v in ports.items()}) == []  # …and nothing is left
