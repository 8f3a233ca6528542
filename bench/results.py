"""The issue-17 table: each bench records its figures here, ``summary.py`` prints them with verdicts.

A figure is a value beside its target, as measured in this run; ratios are against the bare
NATS request/reply round trip measured by the same bench in the same run. ``make bench``
sets ``BENCH_RESULTS`` to a directory for the run; unset (a bench run on its own) nothing
is recorded.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal


def record(
    figure: str,
    value: float,
    target: float | None,
    *,
    better: Literal["lower", "higher"] = "lower",
    unit: str = "x",
    note: str = "",
    floor: float | None = None,
) -> None:
    """One figure (``unit`` "x": a ratio to the bare round trip; "ms", "/s" otherwise).

    ``floor``: the same figure for the same parts with nothing of smartnumbers in them
    (bench/floors.py), measured in this run: where the floor itself misses the target, the
    target cannot be met on this machine with these parts."""
    directory = os.environ.get("BENCH_RESULTS")
    if not directory:
        return
    with (Path(directory) / "figures.jsonl").open("a") as f:
        f.write(
            json.dumps(
                {
                    "figure": figure,
                    "value": value,
                    "target": target,
                    "better": better,
                    "unit": unit,
                    "note": note,
                    "floor": floor,
                }
            )
            + "\n"
        )
