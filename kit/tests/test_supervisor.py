"""make run's supervisor: a child that keeps dying is restarted a few times, then left alone."""

from __future__ import annotations

import subprocess
import sys

import pytest
from smartnumbers_kit.supervisor import Child, Supervisor


def test_a_child_that_keeps_dying_is_restarted_up_to_the_limit_and_the_others_keep_running(
    capsys: pytest.CaptureFixture[str],
) -> None:
    supervisor = Supervisor(restart_limit=2, first_backoff=0.0)
    dying = Child(
        "dying",
        lambda: subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"]),
        lambda process: True,
    )
    steady = Child(
        "steady",
        lambda: subprocess.Popen([sys.executable, "-c", "input()"], stdin=subprocess.PIPE),
        lambda p: True,
    )
    supervisor.start(dying)
    supervisor.start(steady)
    first = steady.process
    try:
        starts = 1
        while not dying.given_up:
            assert dying.process is not None
            dying.process.wait(30)
            supervisor.check()  # notices the exit; restarts at once (no backoff here) unless at the limit
            if dying.restart_at is not None:
                supervisor.check()
                starts += 1
        assert starts == 3  # the first start and two restarts
        assert steady.process is first and first is not None and first.poll() is None
    finally:
        supervisor.stop()
    said = capsys.readouterr().err
    assert "dying (pid" in said and "exited (exit code 3); restarting it in 0 s (restart 1 of 2)" in said
    assert "(restart 2 of 2)" in said
    assert "not restarting it after 2 restarts; the others keep running" in said
    assert first.poll() is not None  # stopped by supervisor.stop()
