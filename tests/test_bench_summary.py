"""`make bench`'s table: each figure beside its target, its floor and a verdict that says when the
floor itself misses the target (then this machine cannot meet it with these parts)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "bench_summary", Path(__file__).resolve().parents[1] / "bench" / "summary.py"
)
assert _spec is not None and _spec.loader is not None
summary = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(summary)
main = summary.main


def row(figure: str, value: float, target: float, floor: float | None, better: str = "lower") -> dict:
    unit = "x" if better == "lower" else "/s"
    return {
        "figure": figure,
        "value": value,
        "target": target,
        "better": better,
        "unit": unit,
        "note": "",
    } | ({"floor": floor} if floor is not None else {})


def test_the_verdicts_tell_a_miss_the_floor_shares_from_one_it_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        row("fast-enough", 2.0, 3.0, 1.5),
        row("slower-than-its-floor-allows", 4.0, 3.0, 2.0),
        row("below-a-floor-that-misses-too", 400, 2000, 800, better="higher"),
        row("without-a-floor", 9.0, 5.0, None),
    ]
    (tmp_path / "figures.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    main(str(tmp_path))
    out = capsys.readouterr().out
    verdict = {
        line.split()[0]: line.rstrip()
        for line in out.splitlines()
        if line.split()[:1] in ([r["figure"]] for r in rows)
    }
    assert verdict["fast-enough"].endswith("met") and "1.5x" in verdict["fast-enough"]
    assert verdict["slower-than-its-floor-allows"].endswith("NOT MET")
    assert verdict["below-a-floor-that-misses-too"].endswith("NOT MET (the floor misses it too)")
    assert "800/s" in verdict["below-a-floor-that-misses-too"]
    assert verdict["without-a-floor"].endswith("NOT MET")
    assert "1 of 4 targets met in this run" in out
    assert "1 of those not met are missed by the floor as well" in out
