"""Every image of the Dockerfile builds, wherever a builder and the base images are at hand.

`make test` installs Debian's buildah when it may (root with apt). A builder needs the base
images (`PYTHON_IMAGE`, `ASTERISK_IMAGE` in the Dockerfile) from a container registry: on a
machine that reaches only package registries the pull fails, and these tests skip with the
builder's own words. `SN_PYTHON_IMAGE` names another Python 3.11 base already in the
builder's store (a stand-in built locally), to check the Python images without a registry.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON_TARGETS = {
    "directory": "smartnumbers_directory",
    "presence": "smartnumbers_presence",
    "routing": "smartnumbers_routing",
    "mailbox": "smartnumbers_mailbox",
    "notify": "smartnumbers_notify",
    "gateway": "smartnumbers_gateway",
    "web": "smartnumbers_web",
}


def dockerfile_default(arg: str) -> str:
    (value,) = [
        line.split("=", 1)[1]
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.startswith(f"ARG {arg}=")
    ]
    return value


@functools.cache
def builder() -> list[str]:
    """The first builder that answers: a Docker daemon, podman, or buildah (chroot isolation,
    which needs no user namespaces)."""
    for name, probe in (
        ("docker", ["docker", "info"]),
        ("podman", ["podman", "info"]),
        ("buildah", ["buildah", "info"]),
    ):
        if shutil.which(name) is None:
            continue
        try:
            answered = subprocess.run(probe, capture_output=True, timeout=30).returncode == 0
        except subprocess.TimeoutExpired:
            answered = False
        if answered:
            return ["buildah", "bud", "--isolation", "chroot"] if name == "buildah" else [name, "build"]
    pytest.skip(
        "no image builder answers here (a Docker daemon, podman or buildah): `make test` installs buildah as root"
    )


def base_image(arg: str) -> str:
    """The base image, pulled once; skip with the builder's words when it cannot be had."""
    image, refusal = pulled_base_image(arg)
    if refusal:
        pytest.skip(refusal)
    return image


@functools.cache
def pulled_base_image(arg: str) -> tuple[str, str]:
    image = os.environ.get("SN_PYTHON_IMAGE", "") if arg == "PYTHON_IMAGE" else ""
    image = image or dockerfile_default(arg)
    tool = builder()[0]
    present = subprocess.run(
        [tool, "image", "inspect", image] if tool != "buildah" else [tool, "inspect", image],
        capture_output=True,
    )
    if present.returncode == 0:
        return image, ""
    pulled = subprocess.run([tool, "pull", image], capture_output=True, text=True, timeout=600)
    if pulled.returncode != 0:
        words = (pulled.stderr or pulled.stdout).strip().splitlines()[-1:] or ["no output"]
        return image, f"the base image {image} cannot be pulled here: {words[0]}"
    return image, ""


def build(target: str, *build_args: str) -> subprocess.CompletedProcess[str]:
    tag = f"localhost/smartnumbers/{target}:test"
    command = [*builder(), "--target", target, "-t", tag, *build_args, str(ROOT)]
    return subprocess.run(command, capture_output=True, text=True, timeout=1800)


def image_config(target: str) -> dict[str, object]:
    tool = builder()[0]
    tag = f"localhost/smartnumbers/{target}:test"
    if tool == "buildah":
        raw = subprocess.run(
            [tool, "inspect", "--type", "image", tag], capture_output=True, text=True, check=True
        )
        config: dict[str, object] = json.loads(raw.stdout)["OCIv1"]["config"]
        return config
    raw = subprocess.run([tool, "image", "inspect", tag], capture_output=True, text=True, check=True)
    docker_config: dict[str, object] = json.loads(raw.stdout)[0]["Config"]
    return docker_config


@pytest.mark.slow
@pytest.mark.parametrize("target", sorted(PYTHON_TARGETS))
def test_each_python_image_builds_and_runs_its_service_as_uid_10001(target: str) -> None:
    image = base_image("PYTHON_IMAGE")
    result = build(target, "--build-arg", f"PYTHON_IMAGE={image}")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    config = image_config(target)
    assert config.get("User") == "10001:10001"
    command = " ".join(config.get("Cmd") or [])  # type: ignore[arg-type]
    assert command.startswith("uvicorn ") and f"{PYTHON_TARGETS[target]}.main:create" in command


@pytest.mark.slow
def test_the_asterisk_image_builds_from_its_published_base_as_a_non_root_user() -> None:
    python_image = base_image("PYTHON_IMAGE")
    asterisk_image = base_image("ASTERISK_IMAGE")
    result = build(
        "asterisk",
        "--build-arg",
        f"PYTHON_IMAGE={python_image}",
        "--build-arg",
        f"ASTERISK_IMAGE={asterisk_image}",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert image_config("asterisk").get("User") == "1000"
