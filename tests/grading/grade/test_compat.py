"""``ailab grade`` scores exactly as stock ``nbgrader autograde`` does, whatever the style of test cell.

Two assignments, each graded by both in copies of one course: a plain
nbgrader one (asserts in its test cells) and a small one written as the units
are (``check("q1", [...])`` calls with public and hidden probes, judged by
``ailab grade`` in its own process but run by stock nbgrader in the kernel).
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader import nbgrader_api
from grader.grading.grade import grade
from grader.paths import Course
from tests.helpers import fixture_course, plain_course, release_nb, solved, submit

STOCK_TIMEOUT_S = 600  # stock nbgrader takes about a minute here; a hang must fail, not stall the suite


def stock_scores(root: Path, assignment: str) -> dict[str, float]:
    """Scores from stock ``nbgrader autograde`` run in ``root``, read from its gradebook."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "nbgrader"), "autograde", assignment],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=STOCK_TIMEOUT_S,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    with nbgrader_api.gradebook(Course(root)) as gb:
        return {s.student_id: s.score for s in gb.assignment_submissions(assignment)}


def with_stock_copy(course: Course, submissions: dict, name: str) -> tuple[Course, Path]:
    """Hand in ``submissions`` to ``course``, then copy the course for stock nbgrader."""
    for student, nb in submissions.items():
        submit(course, name, student, nb)
    stock = course.root.parent / "stock"
    shutil.copytree(course.root, stock)
    return course, stock


@pytest.fixture(scope="module")
def two_courses(tmp_path_factory):
    base = tmp_path_factory.mktemp("compat")
    ours = plain_course(base / "ours")
    release = release_nb(ours, "plain")
    source = nbformat.read(ours.source("plain") / "plain.ipynb", as_version=4)
    good = solved(release, source)
    half = copy.deepcopy(good)
    half.cells[3].source = "def mean(xs):\n    return 0"
    cheat = copy.deepcopy(release)
    cheat.cells[1].source = "def squares(n):\n    return [1, 4, 9]"
    loud = copy.deepcopy(good)
    loud.cells[1].source += "\nimport sys\nprint('warning', file=sys.stderr)"
    return with_stock_copy(
        ours, {"good": good, "half": half, "empty": release, "cheat": cheat, "loud": loud}, "plain"
    )


def test_scores_match_stock_nbgrader(two_courses):
    ours, stock = two_courses
    report = grade("plain", ours.root, workers=2, progress=False)
    theirs = stock_scores(stock, "plain")
    mine = {row.student_id: row.score for row in report.rows}
    assert mine == theirs
    assert mine["good"] > mine["half"] > mine["empty"] == 0


def checked_course(root: Path) -> Course:
    """A course holding tests/fixtures/checked: three questions tested with ``check(...)`` calls."""
    return fixture_course(root, "checked")


def _answer(nb, gid: str, source: str):
    next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid).source = source
    return nb


# Points: q1 2, q2 3, q3 1. Each kind's score, worked out by hand.
CHECKED_SCORES = {"correct": 6.0, "partial": 3.0, "wrong": 0.0, "empty": 0.0, "typo": 5.0}


@pytest.fixture(scope="module")
def checked_courses(tmp_path_factory):
    ours = checked_course(tmp_path_factory.mktemp("compat-checked") / "ours")
    release = release_nb(ours, "checked")
    source = nbformat.read(ours.source("checked") / "checked.ipynb", as_version=4)
    correct = solved(release, source)
    stub = next(
        c.source for c in release.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q2-answer"
    )
    partial = _answer(copy.deepcopy(correct), "q2-answer", stub)  # q1 and q3 answered, q2 left as released
    wrong = copy.deepcopy(release)  # passes every public probe, fails a hidden one in each question
    _answer(wrong, "q1-answer", "def double(x):\n    return 4 if x == 2 else x")
    _answer(wrong, "q2-answer", "def normalise(xs):\n    return np.array([0.25, 0.25, 0.5])")
    _answer(wrong, "q3-answer", "def vowels(word):\n    return word.count('a')")
    typo = _answer(copy.deepcopy(correct), "q3-answer", "def vowels(word) return 0")  # a SyntaxError
    kinds = {"correct": correct, "partial": partial, "wrong": wrong, "empty": release, "typo": typo}
    return with_stock_copy(ours, kinds, "checked")


def test_check_style_scores_match_stock_nbgrader(checked_courses):
    ours, stock = checked_courses
    report = grade("checked", ours.root, workers=2, progress=False)
    mine = {row.student_id: row.score for row in report.rows}
    assert mine == stock_scores(stock, "checked")
    assert mine == CHECKED_SCORES


def test_a_hung_stock_run_cannot_stall_the_suite(pytestconfig):
    """pytest-timeout is on with a per-test default, besides the subprocess's own timeout."""
    assert pytestconfig.pluginmanager.hasplugin("timeout")
    assert 0 < float(pytestconfig.getini("timeout")) <= 900
