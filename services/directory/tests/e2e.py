"""Helpers for stories against a real directory process and a real nats-server."""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
from pathlib import Path

import httpx
from smartnumbers_kit.serviceprocess import ServiceProcess

_numbers = itertools.count(random.randrange(0, 5000))


def smartnumber() -> str:
    """A fresh UK drama-range number (01632 96xxxx), unique within the test session."""
    return f"+44163296{next(_numbers) % 10000:04d}"


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
