"""Grade one class three ways and compare: stock nbgrader, ``ailab grade``, and the floor.

The floor is plain nbclient execution of the same notebooks, one after the
other, divided by the number of cores: what perfect parallel execution with
no grading work at all would cost. Targets on 2 cores: ailab at least 3x
faster than stock nbgrader on ic-t1, and within 1.3x of the floor on every unit.

    python benchmarks/grading.py [--n 40] [UNIT ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nbformat  # noqa: E402

from benchmarks.readme_table import update  # noqa: E402
from grader import nbgrader_api  # noqa: E402
from grader.authoring import execute, release, syllabus, units  # noqa: E402
from grader.instructor import sampleclass  # noqa: E402
from grader.paths import Course  # noqa: E402

WORK = Path(__file__).resolve().parent / "work"
BIN = Path(sys.executable).parent
RESULTS = Path(__file__).resolve().parent / "results"
HEADER = ["Unit", "Notebooks", "Stock nbgrader (s)", "ailab grade (s)", "Floor (s)", "Speed-up vs stock",
          "ailab / floor", "Same scores"]
MIX = {"correct": 0.5, "partial": 0.25, "wrong": 0.15, "empty": 0.10}  # a typical class


def make_class(unit_id: str, n: int) -> Course:
    root = WORK / unit_id / "course"
    shutil.rmtree(root.parent, ignore_errors=True)
    course = release.release(root, [unit_id])
    release_nb = nbformat.read(course.release(unit_id) / f"{unit_id}.ipynb", as_version=4)
    kinds = sampleclass.samples(units.get(unit_id), release_nb)
    plan = [kind for kind, share in MIX.items() for _ in range(round(share * n))][:n]
    for i, kind in enumerate(plan):
        folder = course.submitted(unit_id, f"s{i:03d}")
        folder.mkdir(parents=True)
        nbformat.write(kinds[kind], folder / f"{unit_id}.ipynb")
    return course


def copy_of(course: Course, name: str) -> Course:
    target = course.root.parent / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(course.root, target)
    return Course(target)


def scores(course: Course, unit_id: str) -> dict[str, float]:
    with nbgrader_api.gradebook(course) as gb:
        return {s.student_id: s.score for s in gb.assignment_submissions(unit_id)}


def time_stock(course: Course, unit_id: str) -> float:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "nbgrader"), "autograde", unit_id],
        cwd=course.root,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def time_ailab(course: Course, unit_id: str, workers: int) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "ailab"), "grade", unit_id, "--course", str(course.root), "--workers", str(workers)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def time_floor(course: Course, unit_id: str, cores: int) -> float:
    scratch = WORK / unit_id / "floor"
    scratch.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for path in sorted(course.submitted(unit_id).glob(f"*/{unit_id}/{unit_id}.ipynb")):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        execute.run(nb, scratch, allow_errors=True)
        total += time.perf_counter() - start
    return total / cores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("units", nargs="*")
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    rows, ok = [], True
    for unit in units.select(args.units or None):
        base = make_class(unit.id, args.n)
        stock, ours = copy_of(base, "stock"), copy_of(base, "ours")
        t_stock = time_stock(stock, unit.id)
        t_ours = time_ailab(ours, unit.id, cores)
        t_floor = time_floor(base, unit.id, cores)
        same = scores(stock, unit.id) == scores(ours, unit.id)
        speedup, to_floor = t_stock / t_ours, t_ours / t_floor
        ok &= same and to_floor <= 1.3 and (unit.id != "ic-t1" or speedup >= 3)
        rows.append(
            [
                unit.id,
                args.n,
                f"{t_stock:.1f}",
                f"{t_ours:.1f}",
                f"{t_floor:.1f}",
                f"{speedup:.1f}x",
                f"{to_floor:.2f}x",
                "yes" if same else "NO",
            ]
        )
        print(syllabus.table(HEADER, rows[-1:]), flush=True)
    for row in rows:  # the latest result per unit, so units can be measured in separate runs
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"grading-{row[0]}.json").write_text(json.dumps(row))
    saved = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("grading-*.json"))]
    table = syllabus.table(HEADER, saved)
    note = f"\n\n{cores} CPU cores; floor = serial nbclient execution of the same notebooks / {cores}."
    print("\n" + table + note)
    update("grading", table + note)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
