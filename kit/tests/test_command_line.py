"""Every command-line tool answers --help without starting anything, and refuses what it does not know."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

TOOLS = sorted(e.name for e in entry_points(group="console_scripts") if e.name.startswith("smartnumbers-"))


def test_the_tools_are_found() -> None:
    assert {"smartnumbers-run", "smartnumbers-dev", "smartnumbers-token", "smartnumbers-parked"} <= set(TOOLS)


def tool(name: str, *args: str, var: Path) -> subprocess.CompletedProcess[str]:
    script = shutil.which(name, path=str(Path(sys.executable).parent)) or name
    env = {k: v for k, v in os.environ.items() if k != "NATS_URL"} | {"VAR_DIR": str(var)}
    return subprocess.run([script, *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name", TOOLS)
def test_help_prints_help_and_starts_nothing(name: str, tmp_path: Path) -> None:
    answer = tool(name, "--help", var=tmp_path)
    assert answer.returncode == 0, answer.stderr
    assert answer.stdout.startswith(f"usage: {name}")
    assert answer.stderr == ""
    assert list(tmp_path.iterdir()) == []  # no store, no key, no NATS


@pytest.mark.parametrize("name", TOOLS)
def test_an_unknown_argument_is_refused_with_a_message(name: str, tmp_path: Path) -> None:
    answer = tool(name, "--no-such-option", "no-such-thing", var=tmp_path)
    assert answer.returncode == 2
    assert f"{name}: error:" in answer.stderr
    assert list(tmp_path.iterdir()) == []


def test_smartnumbers_dev_says_what_it_is_now(tmp_path: Path) -> None:
    help_text = tool("smartnumbers-dev", "--help", var=tmp_path).stdout
    assert "until it exists" not in help_text
    assert "without the directory service" in help_text


def test_make_help_lists_the_targets() -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("no make")
    root = Path(__file__).resolve().parents[2]
    answer = subprocess.run([make, "--no-print-directory", "help"], cwd=root, capture_output=True, text=True)
    assert answer.returncode == 0, answer.stderr
    for target in ("run", "test", "bench", "install", "help"):
        assert any(line.split()[:1] == [target] for line in answer.stdout.splitlines()), answer.stdout
