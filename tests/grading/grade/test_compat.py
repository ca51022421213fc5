"""A plain nbgrader assignment grades exactly as stock ``nbgrader autograde`` grades it."""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader import nbgrader_api
from grader.grading.grade import grade
from tests.helpers import plain_course, release_nb, submit


def _solved(release, source):
    nb = copy.deepcopy(release)
    for mine, theirs in zip(nb.cells, source.cells, strict=True):
        if mine.metadata.get("nbgrader", {}).get("solution") and mine.cell_type == "code":
            mine.source = re.sub(r"\s*### (BEGIN|END) SOLUTION", "", theirs.source)
    return nb


@pytest.fixture(scope="module")
def two_courses(tmp_path_factory):
    base = tmp_path_factory.mktemp("compat")
    ours = plain_course(base / "ours")
    release = release_nb(ours, "plain")
    source = nbformat.read(ours.source("plain") / "plain.ipynb", as_version=4)
    good = _solved(release, source)
    half = copy.deepcopy(good)
    half.cells[3].source = "def mean(xs):\n    return 0"
    cheat = copy.deepcopy(release)
    cheat.cells[1].source = "def squares(n):\n    return [1, 4, 9]"
    loud = copy.deepcopy(good)
    loud.cells[1].source += "\nimport sys\nprint('warning', file=sys.stderr)"
    for student, nb in {"good": good, "half": half, "empty": release, "cheat": cheat, "loud": loud}.items():
        submit(ours, "plain", student, nb)
    stock = base / "stock"
    shutil.copytree(ours.root, stock)
    return ours, stock


def test_scores_match_stock_nbgrader(two_courses):
    ours, stock = two_courses
    report = grade("plain", ours.root, workers=2, progress=False)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "autograde", "plain"],
        cwd=stock,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    from grader.paths import Course

    with nbgrader_api.gradebook(Course(stock)) as gb:
        theirs = {s.student_id: s.score for s in gb.assignment_submissions("plain")}
    mine = {row.student_id: row.score for row in report.rows}
    assert mine == theirs
    assert mine["good"] > mine["half"] > mine["empty"] == 0
