"""The grading benchmark's bookkeeping, without timing anything.

Runs are recorded one per file with where they were made, never merged; the
README table is rendered from the latest run of each unit with its own class
size; the warm floor runs each notebook in a fresh namespace.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter

import pytest

from benchmarks import grading, readme_table
from grader import paths
from grader.instructor import sampleclass


def row(unit="ic-t1", n=40, date="2026-12-01T10:00:00Z", commit="aaaaaaa", **values):
    base = {
        "unit": unit,
        "class_size": n,
        "stock_s": 300.0,
        "ailab_s": 50.0,
        "warm_floor_s": 40.0,
        "cold_floor_s": 150.0,
        "same_scores": True,
        "commit": commit,
        "uncommitted": False,
        "date": date,
        "sandbox": "bubblewrap",
        "cores": 2,
    }
    return {**base, **values}


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 10, 40, 41])
def test_a_class_has_exactly_n_notebooks_and_every_kind_when_it_can(n):
    plan = grading.class_plan(n)
    assert len(plan) == n
    if n >= len(grading.MIX):
        assert set(plan) == set(grading.MIX)


def test_a_class_of_40_keeps_the_typical_mix():
    assert Counter(grading.class_plan(40)) == {"correct": 20, "partial": 10, "wrong": 6, "empty": 4}


def test_each_run_is_its_own_file_and_never_overwrites_another(tmp_path):
    first = grading.save_row(row(), tmp_path)
    second = grading.save_row(row(ailab_s=60.0), tmp_path)  # the same unit and second: still kept apart
    third = grading.save_row(row(unit="ic-t2", n=10), tmp_path)
    assert len({first, second, third}) == 3
    assert sorted(r["ailab_s"] for r in grading.load_rows(tmp_path)) == [50.0, 50.0, 60.0]


def test_the_table_shows_the_latest_run_of_each_unit_whole_with_its_class_size(tmp_path):
    runs = [
        row("ic-t1", 40, "2026-12-01T10:00:00Z", "old1111", ailab_s=45.3, warm_floor_s=37.7),
        row("ic-t1", 4, "2026-12-02T10:00:00Z", "new2222", ailab_s=9.9, warm_floor_s=None),
        row("ic-t2", 10, "2026-11-23T20:12:48Z", "mid3333", sandbox="none", uncommitted=True),
    ]
    for r in runs:
        grading.save_row(r, tmp_path)
    text = grading.render(grading.load_rows(tmp_path))
    lines = {ln.split(" | ")[0].strip("| "): ln for ln in text.splitlines() if ln.startswith("| ic-")}
    assert set(lines) == {"ic-t1", "ic-t2"}
    t1 = [cell.strip() for cell in lines["ic-t1"].strip("|").split("|")]
    assert t1[:6] == ["ic-t1", "4", "300.0", "9.9", "–", "–"]  # no warm floor from the older run
    assert "new2222" in t1[-1] and "old1111" not in text and "45.3" not in text
    t2 = [cell.strip() for cell in lines["ic-t2"].strip("|").split("|")]
    assert t2[1] == "10" and t2[-1] == "mid3333+, 2026-11-23, none, 2 cores"
    assert t2[4:9] == ["40.0", "1.25x", "150.0", "0.33x", "6.0x"]
    assert "Class size per unit: ic-t1 4, ic-t2 10 notebooks" in text
    assert "a class of 40" not in text


def test_the_readme_table_is_the_one_rendered_from_the_kept_results():
    rows = grading.load_rows(grading.RESULTS)
    assert rows, "benchmarks/results/ holds no run"
    assert readme_table.current("grading") == grading.render(rows).strip()
    for r in rows:
        assert {"unit", "class_size", "commit", "date", "sandbox", "cores"} <= set(r), r


def test_the_target_is_against_the_warm_floor():
    assert grading.meets_targets(row(ailab_s=50.0, warm_floor_s=40.0))  # 1.25x
    assert not grading.meets_targets(row(ailab_s=60.0, warm_floor_s=40.0))  # 1.5x, though 0.4x the cold one
    assert not grading.meets_targets(row(stock_s=100.0))  # 2x faster than stock on ic-t1


def test_a_run_records_its_commit_date_and_sandbox():
    made = grading.provenance(cores=2)
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=paths.REPO, capture_output=True, text=True
    ).stdout.strip()
    assert made["commit"] == head
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", made["date"])
    assert made["sandbox"] in {"bubblewrap", "none"} and made["cores"] == 2


def test_the_warm_floor_runs_each_notebook_in_a_fresh_namespace():
    job = {
        "warm": ["json"],
        "notebooks": [
            [{"kind": "code", "source": "x = 1\nprint('student output')"}, {"kind": "probe", "exprs": ["x"]}],
            [{"kind": "probe", "exprs": ["x", "json.dumps(1)"]}],  # x is gone; json was never imported here
            [
                {"kind": "code", "source": "%matplotlib inline\nimport json\ny = json.dumps([1])"},
                {"kind": "probe", "exprs": ["y"]},
            ],
        ],
    }
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.warm_floor"],
        input=json.dumps(job),
        cwd=paths.REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)  # one line: the student's print went elsewhere
    assert result["errors"] == [0, 2, 0]
    assert len(result["seconds"]) == 3


def test_the_warm_floor_runs_what_the_grader_runs(course_copy):
    students = sampleclass.write_sample_class("ic-t1", course_copy.root)
    job = grading.floor_job(course_copy, "ic-t1")
    assert len(job["notebooks"]) == len(students)
    assert "numpy" in job["warm"] and "sklearn.neighbors" in job["warm"]
    probes = [e for cells in job["notebooks"] for c in cells if c["kind"] == "probe" for e in c["exprs"]]
    assert "pixel(images[7], 6, 2)" in probes  # a hidden probe of q1, restored from the source
    assert not any("check(" in c.get("source", "") for cells in job["notebooks"] for c in cells)


@pytest.mark.parametrize("works", [True, False])
def test_a_run_records_the_sandbox_it_really_had(monkeypatch, works):
    monkeypatch.setattr(grading, "bwrap_works", lambda: works)
    assert grading.provenance(cores=2)["sandbox"] == ("bubblewrap" if works else "none")


def test_a_run_records_the_class_size_it_graded(tmp_path, monkeypatch):
    """The row's class size is the number of notebooks handed in, whatever n was asked for."""
    monkeypatch.setattr(grading, "WORK", tmp_path)
    for timer in ("time_stock", "time_ailab", "time_cold_floor"):
        monkeypatch.setattr(grading, timer, lambda *args: 1.0)
    monkeypatch.setattr(
        grading, "run_warm_floor", lambda job: {"import_seconds": 0.5, "seconds": [0.1], "errors": [0]}
    )
    monkeypatch.setattr(grading, "scores", lambda course, unit: {})
    row = grading.measure("ic-t1", 3, cores=2)
    assert (
        row["class_size"]
        == 3
        == len(grading.submitted(grading.Course(tmp_path / "ic-t1" / "course"), "ic-t1"))
    )
