"""The README's tour, pasted as a reader would: a README that drifts from the product fails here.

The test starts ``make run``'s stage (``.venv/bin/smartnumbers-run``) in a folder of its own
(``var/`` there, ``.venv`` a link to this tree's) on free ports, then feeds every ```sh block
of the tour, in order, to ONE bash session (variables and the background feed carry over, as
in the reader's second terminal). The only change made to the text: the default ports in
``127.0.0.1:<port>`` become the stage's. Then it checks what the README shows: the
``# {...}`` comments under a command and the json/text blocks after a shell block must appear
in the output (``...`` and ``…`` stand for what changes from run to run), and no command
may answer an error the README does not show.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from smartnumbers_kit.natsserver import free_port
from smartnumbers_kit.testing import stop_make_run

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TOUR_START, TOUR_END = "## A five-minute tour", "## Layout"
DEFAULT_PORTS = {  # README's port → the variable smartnumbers-run reads it from
    8100: "GATEWAY_PORT",
    8101: "PRESENCE_PORT",
    8102: "ROUTING_PORT",
    8103: "MAILBOX_PORT",
    8104: "DIRECTORY_PORT",
    8105: "NOTIFY_PORT",
    8080: "WEB_PORT",
}
PORT_VARIABLES = [*DEFAULT_PORTS.values(), "NATS_PORT", "NATS_MONITOR_PORT", "FASTAGI_PORT", "SMTP_PORT"]
SHOWN_COMMENT = re.compile(r"^\s*# ([{\[].*[}\]])(?:\s+\(\d{3}\))?\s*$")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


@dataclass
class Shown:
    """An output the README shows: ``json`` on one line of output, ``text`` as consecutive lines."""

    kind: str
    text: str

    def pattern(self) -> re.Pattern[str]:
        if self.kind == "json":
            one_line = re.sub(r"\n\s*", "", self.text.strip())
            return re.compile(_wildcards(one_line))
        lines = [_wildcards(line.rstrip()) for line in self.text.strip().splitlines()]
        return re.compile(r"\n".join(lines) + "$", re.MULTILINE)  # the first line may follow a curl answer


@dataclass
class Block:
    code: str
    shown: list[Shown] = field(default_factory=list)


def _wildcards(text: str) -> str:
    parts = re.split(r"(\.\.\.|…)", text)
    return "".join(r"[^\n]*?" if p in ("...", "…") else re.escape(p) for p in parts)


def tour(readme: str) -> list[Block]:
    """The tour's shell blocks in order, each with the outputs shown in it and after it."""
    section = readme[readme.index(TOUR_START) : readme.index(TOUR_END)]
    blocks: list[Block] = []
    for fence in FENCE.finditer(section):
        language, body = fence.group(1), fence.group(2)
        if language == "sh":
            shown = [Shown("json", m.group(1)) for m in map(SHOWN_COMMENT.match, body.splitlines()) if m]
            blocks.append(Block(body, shown))
        elif blocks and language in ("json", "", "text"):
            blocks[-1].shown.append(Shown("json" if language == "json" else "text", body))
    return blocks


def test_the_tour_is_read_from_the_readme() -> None:
    """The extraction itself: the tour starts the stage, and shows outputs to compare."""
    blocks = tour(README.read_text())
    assert blocks[0].code.strip() == "make run"
    assert sum(len(b.shown) for b in blocks) >= 5
    assert any(s.kind == "text" for b in blocks for s in b.shown)


class Output:
    """Everything the bash session prints (stdout and stderr), read as it comes."""

    def __init__(self, stream) -> None:
        self.text = ""
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            with self.changed:
                self.text += line.replace("\r", "")
                self.changed.notify_all()

    def wait_for(
        self, pattern: re.Pattern[str], start: int = 0, timeout: float = 60.0
    ) -> re.Match[str] | None:
        deadline = time.monotonic() + timeout
        with self.changed:
            while (found := pattern.search(self.text, start)) is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.changed.wait(left)
            return found


@pytest.fixture
def stage(tmp_path: Path) -> Iterator[tuple[Path, dict[str, int]]]:
    """``make run`` in a folder of its own, on free ports; stopped with Ctrl-C (SIGINT) after the test."""
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    ports = {name: free_port() for name in PORT_VARIABLES}
    env = {
        k: v for k, v in os.environ.items() if k not in ("NATS_URL", "VAR_DIR", "PERSISTENCE", "ASTERISK_BIN")
    }
    env |= {name: str(port) for name, port in ports.items()} | {"VAR_DIR": str(tmp_path / "var")}
    run = subprocess.Popen(
        [str(ROOT / ".venv/bin/smartnumbers-run")],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = Output(run.stdout)
    try:
        started = output.wait_for(re.compile(r"Ctrl-C stops everything"), timeout=120)
        assert started, f"make run did not start:\n{output.text}"
        assert "NOT STARTED" not in output.text, output.text
        yield tmp_path, ports
    finally:
        stop_make_run(run)


def on_stage(code: str, ports: dict[str, int]) -> str:
    def port(m: re.Match[str]) -> str:
        variable = DEFAULT_PORTS.get(int(m.group(1)))
        return f"127.0.0.1:{ports[variable]}" if variable else m.group(0)

    return re.sub(r"127\.0\.0\.1:(\d+)", port, code)


def test_every_command_of_the_tour_runs_as_pasted_and_prints_what_the_readme_shows(stage) -> None:
    folder, ports = stage
    if shutil.which("curl") is None:
        pytest.skip("the tour's commands use curl: install it (apt-get install curl) to run them")
    blocks = tour(README.read_text())
    assert blocks[0].code.strip() == "make run"  # the stage the fixture started
    bash = subprocess.Popen(
        ["bash", "--noprofile", "--norc"],
        cwd=folder,
        # The second terminal knows the ports make run was given, as a reader's would after `export`.
        env={k: v for k, v in os.environ.items() if k not in ("VAR_DIR", "ROUTING_URL", "SMARTNUMBERS_TOKEN")}
        | {name: str(port) for name, port in ports.items()},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert bash.stdin is not None
    output = Output(bash.stdout)
    try:
        for number, block in enumerate(blocks[1:], start=2):
            start = len(output.text)
            bash.stdin.write(
                on_stage(block.code, ports) + f"\necho '@@ block {number} done'\n"
            )  # curl ends no line
            bash.stdin.flush()
            done = output.wait_for(re.compile(f"@@ block {number} done$", re.MULTILINE), start)
            printed = output.text[start:]
            assert done, f"block {number} did not finish:\n{block.code}\n--- printed:\n{printed}"
            for problem in ("command not found", "No such file", "syntax error", "Traceback"):
                assert problem not in printed, f"block {number}:\n{block.code}\n--- printed:\n{printed}"
            if not any('"error"' in s.text for s in block.shown):
                assert '"error"' not in printed, f"block {number}:\n{block.code}\n--- printed:\n{printed}"
            for shown in block.shown:
                assert output.wait_for(shown.pattern(), timeout=10), (
                    f"block {number} should print:\n{shown.text}\n--- it printed:\n{printed}"
                )
        # The tour stops what it started in the background (its last block kills Bob's feed).
        bash.stdin.write("wait; echo '@@ no background job left'\n")
        bash.stdin.flush()
        stopped = output.wait_for(re.compile("@@ no background job left"), timeout=30)
        assert stopped, "a background command of the tour is still running at its end"
        bash.stdin.write("exit\n")
        bash.stdin.flush()
        bash.wait(30)
    finally:
        if bash.poll() is None:
            os.killpg(bash.pid, signal.SIGKILL)
            bash.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(bash.pid, signal.SIGKILL)  # a background command the tour started, if any is left
