"""Optional profiling of a bench's service processes: ``BENCH_PROFILE=<dir> make bench``.

Each process handed to :func:`profile` is sampled by py-spy (``pip install py-spy`` in the
venv) into ``<dir>/<name>.txt`` in py-spy's collapsed-stack format (one line per stack,
``frame;frame;… count``), readable as text or by any flame-graph tool. Unset: nothing runs.
``BENCH_PROFILE_GIL=1`` samples only the thread holding the GIL: where the CPU goes, without
the threads and the loop that wait. ``python bench/profiling.py <file>…`` prints the top frames.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path


class Profiler:
    def __init__(self) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []
        self.directory = Path(os.environ["BENCH_PROFILE"]) if os.environ.get("BENCH_PROFILE") else None

    def profile(self, name: str, pid: int) -> None:
        if self.directory is None:
            return
        spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
        if spy is None:
            sys.exit("BENCH_PROFILE is set but py-spy is not installed: .venv/bin/pip install py-spy")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.processes.append(
            subprocess.Popen(
                [
                    spy,
                    "record",
                    "--pid",
                    str(pid),
                    "--format",
                    "raw",
                    "--rate",
                    "250",
                    "--nonblocking",
                    *(["--gil"] if os.environ.get("BENCH_PROFILE_GIL") else []),
                    "--output",
                    str(self.directory / f"{name}.txt"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in self.processes:
            process.wait(30)


def top(path: Path, n: int = 25) -> list[tuple[str, float, float]]:
    """The functions most often on the stack (inclusive) and at its top (self), in % of samples."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        samples = int(count)
        frames = stack.split(";")
        total += samples
        for frame in set(frames):
            inclusive[frame] += samples
        own[frames[-1]] += samples
    return [(f, 100 * c / total, 100 * own[f] / total) for f, c in inclusive.most_common(n)]


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"\n{name}: inclusive% self%")
        for frame, inc, self_ in top(Path(name), int(os.environ.get("TOP", "40"))):
            print(f"{inc:6.1f} {self_:6.1f}  {frame}")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, every thread) a process has used so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
