"""A batch killed with SIGKILL loses nothing; a rerun grades only what is left."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from grader.authoring import units
from grader.grading.grade import grade
from grader.grading.submissions import load_journal
from grader.instructor import sampleclass
from tests.helpers import release_nb, submit

UNIT = "ic-t1"


def _class_of(course, n):
    correct = sampleclass.samples(units.get(UNIT), release_nb(course, UNIT))["correct"]
    for i in range(n):
        submit(course, UNIT, f"s{i:02d}", correct)


def test_sigkill_mid_batch_then_rerun_completes_the_rest(course_copy):
    _class_of(course_copy, 8)
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", UNIT, "--course", str(course_copy.root), "--workers", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    journal = course_copy.journal(UNIT)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if journal.exists() and len(journal.read_text().splitlines()) >= 2:
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)  # the sandboxes die with it (bubblewrap --die-with-parent)
    proc.wait()
    done_before = load_journal(course_copy, UNIT)
    assert 2 <= len(done_before) < 8
    report = grade(UNIT, course_copy.root, workers=2, progress=False)
    assert report.graded_now == 8 - len(done_before)
    assert {r.student_id for r in report.rows} == {f"s{i:02d}" for i in range(8)}
    full = sampleclass.expected_auto_scores(units.get(UNIT))["correct"]
    assert all(r.score == full for r in report.rows)
    assert course_copy.grades_csv(UNIT).read_text().count("\n") == 9


def test_rerun_skips_unchanged_and_force_regrades(course_copy):
    _class_of(course_copy, 2)
    first = grade(UNIT, course_copy.root, workers=2, progress=False)
    again = grade(UNIT, course_copy.root, workers=2, progress=False)
    forced = grade(UNIT, course_copy.root, workers=2, force=True, progress=False)
    assert (first.graded_now, again.graded_now, forced.graded_now) == (2, 0, 2)
    assert [r.score for r in again.rows] == [r.score for r in first.rows]
