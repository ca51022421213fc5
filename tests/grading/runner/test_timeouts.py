"""Time limits, one batch of ic-t1 on one worker, so each case's time and the next case's fate are its own.

A cell gets ``cell_timeout`` seconds, then SIGINT, then ``GRACE`` more before
SIGKILL; a notebook gets ``notebook_timeout`` seconds in all. Student code
shares its process with the runner's child and can write to the child's
report pipe, so the forged cases write protocol lines to every descriptor and
must gain neither time nor points.
"""

from __future__ import annotations

import shutil

import pytest

from grader.authoring import units
from grader.grading.grade import grade
from grader.grading.sandbox import Limits
from grader.instructor import sampleclass
from grader.paths import Course
from tests.helpers import release_nb, submit

from .spy import Jobs, with_cell

UNIT = "ic-t1"
FULL = 11.0  # ic-t1's automatic points: q1 1, q2 2, q3 1, q4 1, q5 2, q6 2, q7 2
CELL, NOTEBOOK = 3, 8
GRACE = 2.0  # runner.GRACE_S: how long an interrupted cell has to stop
SLACK = 1.5  # the cells before the case, and a busy machine
LIMITS = Limits(cell_timeout=CELL, notebook_timeout=NOTEBOOK)
EARLY = 3  # cells added here run after setup and helpers and before every question (cell 4 of the notebook)
ALL_FAILED = "failed q1, q2, q3, q4, q5, q6, q7"

IGNORE_SIGINT = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
# pixel() as the student wrote it, except that it never returns for row 6, which only two hidden probes ask.
HANG_ON_HIDDEN = (
    "_pixel = pixel\n\n"
    "def pixel(image, row, col):\n"
    "    while row >= 6:\n"
    "        pass\n"
    "    return _pixel(image, row, col)"
)
FORGE = (
    "import json, os, signal, time\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
    "def forge(message):\n"
    "    line = json.dumps(message) + '\\n'\n"
    "    print(line, end='')\n"
    "    for fd in range(1, 64):\n"
    "        try:\n"
    "            os.write(fd, line.encode())\n"
    "        except OSError:\n"
    "            pass\n"
)
# This cell is the notebook's third code cell (position 2): it forges every other cell's record, and starts.
FORGE_OUT_OF_TURN = FORGE + (
    "while True:\n"
    "    for k in [0, 1] + list(range(3, 60)):\n"
    "        forge({'cell': k, 'outputs': []})\n"
    "    for k in range(60):\n"
    "        forge({'start': k})\n"
    "    forge({'done': True})\n"
    "    time.sleep(0.1)"
)
# Its own record and the next ones, each just before the cell's time is up: as if the cells ran slowly.
FORGE_IN_TURN = FORGE + (
    "for k in range(2, 60):\n"
    "    time.sleep(2.5)\n"
    "    forge({'cell': k, 'outputs': []})\n"
    "while True:\n"
    "    pass"
)
# q1's five probe values as the instructor's notebook expects them, for the q1 test cell (position 5).
Q1_RECORD = {
    "cell": 5,
    "probes": [["value", 13.0], ["value", 4.0], ["value", 15.0], ["value", 9.0], ["value", 49.0]],
}
WRONG_Q1 = "def pixel(image, row, col):\n    return 0.0"


@pytest.fixture(scope="module")
def batch(released, tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("timeouts") / "course")
    shutil.copytree(released.root, course.root)
    release = release_nb(course, UNIT)
    correct = sampleclass.samples(units.get(UNIT), release)["correct"]
    wrong_q1 = with_cell(correct, "forged-result", f"forge({Q1_RECORD!r})", at=17)  # after q2's test
    wrong_q1 = with_cell(wrong_q1, "forged-result", FORGE, at=17)
    wrong_q1.cells[10].source = WRONG_Q1  # q1's answer cell
    subs = {  # graded in this order, one at a time
        "a-ignores-sigint": with_cell(correct, "ignores-sigint", IGNORE_SIGINT, at=EARLY),
        "b-next": with_cell(correct, "next", "pass"),
        "c-hidden-probe-hangs": with_cell(correct, "hidden-probe-hangs", HANG_ON_HIDDEN, at=11),
        "d-slow-cells": _slow_cells(correct),
        "e-forged-out-of-turn": with_cell(correct, "forged-out-of-turn", FORGE_OUT_OF_TURN, at=EARLY),
        "f-forged-in-turn": with_cell(correct, "forged-in-turn", FORGE_IN_TURN, at=EARLY),
        "g-forged-result": wrong_q1,
    }
    for student, nb in subs.items():
        submit(course, UNIT, student, nb)
    jobs = Jobs()
    with pytest.MonkeyPatch.context() as mp:
        jobs.install(mp)
        report = grade(UNIT, course.root, workers=1, require_sandbox=True, limits=LIMITS, progress=False)
    return {"rows": {r.student_id: r for r in report.rows}, "jobs": jobs}


def _slow_cells(nb):
    """Five cells of 2 s each: every one within the cell timeout, together past the notebook's."""
    for _ in range(5):
        nb = with_cell(nb, "slow-cells", "import time\ntime.sleep(2)", at=EARLY)
    return nb


def _row(batch, student):
    row = batch["rows"][student]
    return row.score, row.status, row.message


def _ended(job):
    result = job["result"]
    return result["status"], result["reason"], result["timeout_cell"]


def test_a_cell_that_ignores_sigint_is_killed_at_the_cell_timeout_plus_the_grace(batch):
    job = batch["jobs"]["ignores-sigint"]
    assert _ended(job) == ("timeout", "a cell ignored the stop signal", 2)
    assert CELL + GRACE <= job["seconds"] < CELL + GRACE + SLACK
    assert job["after"] == job["before"]  # the child and its loop are gone
    assert _row(batch, "a-ignores-sigint") == (
        0.0,
        "timeout",
        f"cell 4 ran longer than 3 s and was stopped; {ALL_FAILED}",
    )


def test_the_next_submission_grades_in_full_on_the_same_runner(batch):
    jobs = batch["jobs"]
    assert jobs.order[:2] == ["ignores-sigint", "next"]
    assert jobs["next"]["runner"] == jobs["ignores-sigint"]["runner"] and not jobs["next"]["restarted"]
    assert _row(batch, "b-next") == (FULL, "graded", "all checks passed")


def test_a_hidden_probe_that_hangs_fails_only_its_question(batch):
    """Both of q1's hidden probes with row 6 would hang: the first is stopped, the second is not run."""
    assert _row(batch, "c-hidden-probe-hangs") == (
        FULL - 1,
        "timeout",
        "cell 13 ran longer than 3 s and was stopped; failed q1",
    )
    q1 = batch["jobs"]["hidden-probe-hangs"]["result"]["cells"][6]
    assert q1["probes"] == [
        ["value", 13.0],
        ["value", 4.0],
        ["value", 15.0],
        ["error", "stopped: the check ran past the time limit"],
        ["error", "not run: a check before it ran past the time limit"],
    ]


def test_cells_within_the_cell_timeout_are_stopped_at_the_notebook_deadline(batch):
    job = batch["jobs"]["slow-cells"]
    assert _ended(job) == ("timeout", f"the notebook ran longer than {NOTEBOOK} s", None)
    assert NOTEBOOK <= job["seconds"] < NOTEBOOK + SLACK
    assert _row(batch, "d-slow-cells") == (
        0.0,
        "timeout",
        f"the notebook ran longer than {NOTEBOOK} s; {ALL_FAILED}",
    )


def test_forged_lines_out_of_turn_neither_reset_the_cell_timeout_nor_end_the_notebook(batch):
    job = batch["jobs"]["forged-out-of-turn"]
    assert _ended(job) == ("timeout", "a cell ignored the stop signal", 2)
    assert CELL + GRACE <= job["seconds"] < CELL + GRACE + SLACK
    assert sorted(job["result"]["cells"]) == [0, 1]


def test_forged_records_in_turn_cannot_outlast_the_notebook_deadline(batch):
    job = batch["jobs"]["forged-in-turn"]
    assert _ended(job) == ("timeout", f"the notebook ran longer than {NOTEBOOK} s", None)
    assert NOTEBOOK <= job["seconds"] < NOTEBOOK + SLACK
    assert _row(batch, "f-forged-in-turn") == (
        0.0,
        "timeout",
        f"the notebook ran longer than {NOTEBOOK} s; {ALL_FAILED}",
    )


def test_a_forged_record_cannot_replace_a_question_already_graded(batch):
    """A wrong pixel() fails q1; a later cell sending q1's record with the right values changes nothing."""
    assert _row(batch, "g-forged-result") == (FULL - 1, "graded", "failed q1")
    q1 = batch["jobs"]["forged-result"]["result"]["cells"][5]
    assert q1["probes"] == [["value", 0.0]] * 5


def test_no_notebook_leaves_a_process_behind(batch):
    """After each notebook its sandbox holds exactly the processes it held before: init and the runner."""
    jobs = batch["jobs"]
    assert len(jobs.order) == len(batch["rows"])
    assert [
        case for case in jobs.order if jobs[case]["restarted"] or jobs[case]["after"] != jobs[case]["before"]
    ] == []
