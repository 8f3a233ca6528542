"""Print every figure ``make bench`` recorded (bench/results.py) beside its target and a verdict."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def shown(value: float, unit: str) -> str:
    if unit == "x":
        return f"{value:.1f}x"
    if unit == "ms":
        return f"{value:.2f} ms"
    return f"{value:,.0f}{unit}"


def main(directory: str) -> None:
    path = Path(directory) / "figures.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    print("\nsmartnumbers bench — issue 17's figures in this run (x = ratio to the bare NATS round trip)\n")
    print(f"{'figure':<70}{'this run':>12}{'target':>12}{'floor':>12}   verdict")
    met = below_floor = 0
    for row in rows:
        value, target, unit = row["value"], row["target"], row["unit"]
        if target is None:
            verdict, target_text = "(for comparison)", ""
        else:
            ok = value <= target if row["better"] == "lower" else value >= target
            met += ok
            verdict = "met" if ok else "NOT MET"
            floor = row.get("floor")
            if (
                not ok
                and floor is not None
                and not (floor <= target if row["better"] == "lower" else floor >= target)
            ):
                verdict += " (the floor misses it too)"
                below_floor += 1
            target_text = ("≤ " if row["better"] == "lower" else "≥ ") + shown(target, unit)
        note = f"  ({row['note']})" if row["note"] else ""
        floor_text = shown(row["floor"], unit) if row.get("floor") is not None else ""
        print(
            f"{row['figure']:<70}{shown(value, unit):>12}{target_text:>12}{floor_text:>12}   {verdict}{note}"
        )
    targets = sum(r["target"] is not None for r in rows)
    print(f"\n{met} of {targets} targets met in this run")
    if below_floor:
        print(
            f"{below_floor} of those not met are missed by the floor as well (bench/floors.py: the same parts "
            "with nothing of smartnumbers in them, measured in this run): this machine cannot meet them "
            "with these parts"
        )


if __name__ == "__main__":
    main(sys.argv[1])
