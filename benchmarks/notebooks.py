"""Run each unit's solution notebook once, in a fresh process, and report time and memory.

Budget per unit: at most 60 s and 2 GiB on 2 CPU cores. Usage:
    python benchmarks/notebooks.py [UNIT ...]
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.readme_table import update  # noqa: E402
from grader.authoring import syllabus, units  # noqa: E402

BUDGET_S, BUDGET_MIB = 60, 2048


def measure(unit: units.Unit) -> dict:
    command = [sys.executable, "-m", "grader.authoring.execute", str(unit.path)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(ids: list[str]) -> int:
    rows, ok = [], True
    for unit in units.select(ids or None):
        m = measure(unit)
        within = m["error"] is None and m["seconds"] <= BUDGET_S and m["peak_mib"] <= BUDGET_MIB
        ok &= within
        rows.append(
            [
                unit.id,
                unit.meta["tier"],
                f"{m['seconds']:.1f}",
                f"{m['peak_mib']:.0f}",
                "yes" if within else f"NO ({m['error'] or 'over budget'})",
            ]
        )
    table = syllabus.table(
        ["Unit", "Tier", "Wall time (s)", "Peak memory (MiB)", "Within 60 s / 2 GiB"], rows
    )
    machine = platform.processor() or platform.machine()
    note = f"\n\n{os.cpu_count()} CPU cores, {machine}, Python {platform.python_version()}."
    print(table + note)
    if not ids:
        update("notebooks", table + note)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
