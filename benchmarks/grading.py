"""Grade one class three ways and compare: stock nbgrader, ``ailab grade``, and two floors.

The warm floor is one process that imports the unit's libraries once and
then runs the same notebooks one after another (``benchmarks/warm_floor.py``:
what ``ailab grade``'s children do, without sandbox or fork), its time divided
by the cores: the least a grader with warm workers can spend. The cold floor is the
same with a fresh nbclient kernel per notebook; a warm grader beats it, so it
says little, but it is kept for comparison. Targets on 2 cores: ailab at least
3x faster than stock nbgrader on ic-t1, and within 1.3x of the warm floor on
every unit.

Each run of each unit is kept as its own file in ``benchmarks/results/``
(commit, date, class size, sandbox, cores); README.md shows the latest run of
each unit. A smoke run that leaves README.md and the results alone:

    python benchmarks/grading.py --n 4 --results /tmp/bench-smoke ic-t1

The real one: ``python benchmarks/grading.py [--n 40] [UNIT ...]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nbformat  # noqa: E402

from benchmarks import readme_table  # noqa: E402
from grader import nbgrader_api, paths  # noqa: E402
from grader.authoring import execute, release, syllabus, units  # noqa: E402
from grader.authoring.units import grade_id  # noqa: E402
from grader.grading import grade  # noqa: E402
from grader.grading.sandbox import SANDBOX_ENV, bwrap_works  # noqa: E402
from grader.instructor import sampleclass  # noqa: E402
from grader.paths import Course  # noqa: E402

WORK = Path(__file__).resolve().parent / "work"
BIN = Path(sys.executable).parent
RESULTS = Path(__file__).resolve().parent / "results"
MIX = {"correct": 0.5, "partial": 0.25, "wrong": 0.15, "empty": 0.10}  # a typical class
HEADER = [
    "Unit",
    "Class size",
    "Stock nbgrader (s)",
    "ailab grade (s)",
    "Warm floor (s)",
    "ailab / warm floor",
    "Cold floor (s)",
    "ailab / cold floor",
    "Speed-up vs stock",
    "Same scores",
    "Run",
]
NOT_MEASURED = "–"


def class_plan(n: int) -> list[str]:
    """Exactly ``n`` kinds of submission in MIX's shares (largest remainders), each kind once if n allows."""
    counts = {kind: math.floor(share * n) for kind, share in MIX.items()}
    by_remainder = sorted(MIX, key=lambda kind: (MIX[kind] * n - counts[kind], MIX[kind]), reverse=True)
    for kind in by_remainder[: n - sum(counts.values())]:
        counts[kind] += 1
    if n >= len(MIX):  # a small class still shows every kind, taken from the largest share
        for kind in MIX:
            if counts[kind] == 0:
                counts[max(counts, key=counts.get)] -= 1
                counts[kind] = 1
    return [kind for kind in MIX for _ in range(counts[kind])]


def make_class(unit_id: str, n: int) -> Course:
    root = WORK / unit_id / "course"
    shutil.rmtree(root.parent, ignore_errors=True)
    course = release.release(root, [unit_id])
    release_nb = nbformat.read(course.release(unit_id) / f"{unit_id}.ipynb", as_version=4)
    kinds = sampleclass.samples(units.get(unit_id), release_nb)
    for i, kind in enumerate(class_plan(n)):
        folder = course.submitted(unit_id, f"s{i:03d}")
        folder.mkdir(parents=True)
        nbformat.write(kinds[kind], folder / f"{unit_id}.ipynb")
    return course


def submitted(course: Course, unit_id: str) -> list[Path]:
    return sorted(course.submitted(unit_id).glob(f"*/{unit_id}/{unit_id}.ipynb"))


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


def time_cold_floor(course: Course, unit_id: str, cores: int) -> float:
    """Serial nbclient runs, a fresh kernel per notebook, divided by the cores."""
    scratch = WORK / unit_id / "floor"
    scratch.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for path in submitted(course, unit_id):
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        execute.run(nb, scratch, allow_errors=True)
        total += time.perf_counter() - start
    return total / cores


def floor_job(course: Course, unit_id: str) -> dict:
    """What the grader would send its workers: the warm modules, and each notebook's planned cells.

    Test cells are the instructor's (hidden probes included), as ``grade.prepare``
    restores them, so the floor evaluates every probe the grader evaluates.
    """
    source = grade.SourceUnit.load(course, unit_id)
    notebooks = []
    for path in submitted(course, unit_id):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if grade_id(cell) in source.tests:
                cell.cell_type, cell.source = "code", source.tests[grade_id(cell)]
        notebooks.append(grade.plan(nb, source))
    return {"warm": grade.warm_modules(source.notebook), "notebooks": notebooks}


def run_warm_floor(job: dict) -> dict:
    """Run ``benchmarks/warm_floor.py`` on a job, one thread, with the environment the sandbox gives."""
    keep = ("HOME", "PATH", "MPLCONFIGDIR")
    env = {**os.environ, **{k: v for k, v in SANDBOX_ENV.items() if k not in keep}}
    env["AILAB_DATASETS"] = str(paths.datasets())
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.warm_floor"],
        input=json.dumps(job),
        cwd=paths.REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def provenance(cores: int) -> dict:
    """Where and on what a run was made, so rows from different runs are never confused."""

    def git(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=paths.REPO, capture_output=True, text=True)

    changed = git("status", "--porcelain", "--untracked-files=no", "--", "grader", "benchmarks").stdout
    return {
        "commit": git("rev-parse", "--short", "HEAD").stdout.strip() or None,
        "uncommitted": bool(changed.strip()),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sandbox": "bubblewrap" if bwrap_works() else "none",
        "cores": cores,
        "python": platform.python_version(),
    }


def save_row(row: dict, folder: Path) -> Path:
    """Keep one run of one unit as a file of its own; never overwrite an earlier run."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = row["date"].replace("-", "").replace(":", "")
    path = folder / f"grading-{row['unit']}-{stamp}.json"
    extra = 1
    while path.exists():
        extra += 1
        path = folder / f"grading-{row['unit']}-{stamp}-{extra}.json"
    path.write_text(json.dumps(row, indent=1) + "\n")
    return path


def load_rows(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("grading-*.json"))]


def latest_per_unit(rows: list[dict]) -> list[dict]:
    """The newest run of each unit, whole: columns are never mixed from different runs."""
    latest: dict[str, dict] = {}
    for row in rows:
        if row["unit"] not in latest or row["date"] >= latest[row["unit"]]["date"]:
            latest[row["unit"]] = row
    return [latest[unit] for unit in sorted(latest)]


def _seconds(value) -> str:
    return NOT_MEASURED if value is None else f"{value:.1f}"


def _ratio(top, bottom, digits: int) -> str:
    return NOT_MEASURED if top is None or not bottom else f"{top / bottom:.{digits}f}x"


def _run(row: dict) -> str:
    commit = (row.get("commit") or "?") + ("+" if row.get("uncommitted") else "")
    parts = [commit, row["date"][:10], row.get("sandbox") or "sandbox not recorded", f"{row['cores']} cores"]
    return ", ".join(parts)


def table_row(row: dict) -> list:
    ours = row["ailab_s"]
    return [
        row["unit"],
        row["class_size"],
        _seconds(row["stock_s"]),
        _seconds(ours),
        _seconds(row.get("warm_floor_s")),
        _ratio(ours, row.get("warm_floor_s"), 2),
        _seconds(row.get("cold_floor_s")),
        _ratio(ours, row.get("cold_floor_s"), 2),
        _ratio(row["stock_s"], ours, 1),
        "yes" if row["same_scores"] else "NO",
        _run(row),
    ]


def render(rows: list[dict]) -> str:
    """The README block: the latest run of each unit, with the class size and run it came from."""
    latest = latest_per_unit(rows)
    table = syllabus.table(HEADER, [table_row(r) for r in latest])
    sizes = ", ".join(f"{r['unit']} {r['class_size']}" for r in latest)
    note = (
        f"Class size per unit: {sizes} notebooks, mixed as a class is: about half correct, the rest "
        "partial, wrong or empty. "
        "Warm floor: one process imports the unit's libraries once, then runs the same notebooks "
        "one after another (a fresh namespace per notebook, no sandbox, no fork); its time divided "
        "by the run's cores. Cold floor: the notebooks run one after another by nbclient, a fresh "
        "kernel each, divided by the cores. "
        f"Run: commit (+ when grader/ or benchmarks/ had uncommitted changes), date, sandbox, cores. "
        f"{NOT_MEASURED}: not measured in that run."
    )
    return f"{table}\n\n{note}"


def measure(unit_id: str, n: int, cores: int) -> dict:
    """One run of one unit: the class graded by stock nbgrader and ailab, and both floors."""
    base = make_class(unit_id, n)
    stock, ours = copy_of(base, "stock"), copy_of(base, "ours")
    t_stock = time_stock(stock, unit_id)
    t_ours = time_ailab(ours, unit_id, cores)
    warm = run_warm_floor(floor_job(base, unit_id))
    t_cold = time_cold_floor(base, unit_id, cores)
    return {
        "unit": unit_id,
        "class_size": len(submitted(base, unit_id)),
        "stock_s": round(t_stock, 2),
        "ailab_s": round(t_ours, 2),
        "warm_floor_s": round((warm["import_seconds"] + sum(warm["seconds"])) / cores, 2),
        "warm_import_s": round(warm["import_seconds"], 2),  # included once in the warm floor
        "warm_errors": sum(warm["errors"]),
        "cold_floor_s": round(t_cold, 2),
        "same_scores": scores(stock, unit_id) == scores(ours, unit_id),
        **provenance(cores),
    }


def meets_targets(row: dict) -> bool:
    speedup = row["stock_s"] / row["ailab_s"]
    return (
        row["same_scores"]
        and row["ailab_s"] <= 1.3 * row["warm_floor_s"]
        and (row["unit"] != "ic-t1" or speedup >= 3)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("units", nargs="*")
    parser.add_argument("--n", type=int, default=40, help="class size (default 40)")
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="where runs are kept; README.md only follows the default",
    )
    args = parser.parse_args()
    if args.n < 1:
        parser.error("--n must be at least 1")
    cores = os.cpu_count() or 1
    ok = True
    for unit in units.select(args.units or None):
        row = measure(unit.id, args.n, cores)
        if not meets_targets(row):
            ok = False
            print(f"{unit.id}: misses a target (same scores, ≤ 1.3x the warm floor, ic-t1 ≥ 3x stock)")
        print(f"{save_row(row, args.results)}\n{syllabus.table(HEADER, [table_row(row)])}", flush=True)
    block = render(load_rows(args.results))
    print("\n" + block)
    if args.results.resolve() == RESULTS.resolve():
        readme_table.update("grading", block)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
