"""Helpers for stories against a real directory process and a real nats-server."""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import httpx
from smartnumbers_kit.serviceprocess import ServiceProcess

_numbers = itertools.count(random.randrange(0, 5000))

PASSWORDS = [
    "739182",
    "864219",
    "917253",
    "828374",
    "646372",
    "919283",
    "582917",
    "535261",
    "846213",
    "747382",
    "519372",
    "916382",
    "864291",
    "828375",
    "747586",
    "482913",
    "900771",
    "111111",
    "222222",
    "444444",
]
"""The passwords the stories give people: a number drawn for a story shares no run of 4 digits
with any of them, since the directory refuses a password that holds one of its owner's."""


def shares_a_run(number: str, passwords: Iterable[str] = PASSWORDS) -> bool:
    """Whether 4 consecutive digits of ``number`` (in E.164, or national UK form) are in a password."""
    digits = "".join(c for c in number if c.isdigit())
    digits = "44" + digits[1:] if digits.startswith("0") else digits
    runs = {digits[i : i + 4] for i in range(len(digits) - 3)}
    return any(run in password for run in runs for password in passwords)


def drawn(block: str) -> str:
    """The next number of the drama-range block ``block`` (01632 ``block``xxxx) a story may use."""
    for _ in range(10000):
        if not shares_a_run(number := f"+441632{block}{next(_numbers) % 10000:04d}"):
            return number
    raise AssertionError(f"every number of 01632 {block}xxxx shares a run of digits with a password")


def smartnumber() -> str:
    """A fresh UK drama-range number (01632 96xxxx), unique within the test session."""
    return drawn("96")


def directory_env(tmp: Path, nats_url: str, keys: tuple[Path, Path], **env: str) -> dict[str, str]:
    return {
        "NATS_URL": nats_url,
        "PERSISTENCE": "sqlite",
        "VAR_DIR": str(tmp / "var"),
        "DIRECTORY_SIGNING_KEY_FILE": str(keys[0]),
        "JWT_PUBLIC_KEY_FILE": str(keys[1]),
        "DIRECTORY_ARGON2_TIME_COST": "1",
        "DIRECTORY_ARGON2_MEMORY_KIB": "1024",
        "LOG_LEVEL": "INFO",
        **env,
    }


def directory_process(tmp: Path, nats_url: str, keys: tuple[Path, Path], **env: str) -> ServiceProcess:
    return ServiceProcess(
        "smartnumbers_directory.main:create",
        directory_env(tmp, nats_url, keys, **env),
        log_file=tmp / "directory.log",
    )


def create_organisation(service: ServiceProcess, org: str, admin: str, password: str = "739182") -> str:
    """The admin CLI, as the README tour runs it (it finds the running directory by its port and
    goes through it); returns the administrator's smartnumber."""
    number = smartnumber()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "smartnumbers_directory.admin_cli",
            "create-organisation",
            "--org",
            org,
            "--name",
            org.title(),
            "--country",
            "GB",
            "--admin",
            admin,
            "--admin-name",
            admin.title(),
            "--admin-smartnumber",
            number,
            "--admin-password",
            password,
        ],
        env={**os.environ, **service.env, "DIRECTORY_PORT": str(service.port)},
        check=True,
        capture_output=True,
    )
    return number


def client(service: ServiceProcess, token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(base_url=service.url, headers=headers)


async def signed_in(service: ServiceProcess, number: str, password: str) -> dict:
    async with client(service) as anonymous:
        r = await anonymous.post("/v1/sessions", json={"number": number, "password": password})
        assert r.status_code == 200, r.text
        return r.json()


async def new_user(admin: httpx.AsyncClient, user_id: str, **profile: str) -> dict:
    body = {"user_id": user_id, "display_name": user_id.title(), "initial_password": "739182", **profile}
    r = await admin.post("/v1/users", json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def first_login(
    service: ServiceProcess, number: str, new_password: str, initial: str = "739182"
) -> str:
    """Sign in with the initial password and change it, as the guide asks first (§2); the new access token."""
    token = (await signed_in(service, number, initial))["access_token"]
    async with client(service, token) as c:
        r = await c.put(
            "/v1/users/me/password",
            json={"old_password": initial, "new_password": new_password, "confirm_password": new_password},
        )
        assert r.status_code == 200, r.text
        return r.json()["access_token"]
