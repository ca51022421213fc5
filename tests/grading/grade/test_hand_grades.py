"""A teacher's hand grade flows into every report and survives regrading; feedback waits for it."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader import nbgrader_api
from grader.authoring import units
from grader.errors import BadInput
from grader.grading.grade import grade
from grader.instructor import feedback, sampleclass
from tests.helpers import release_nb, submit

UNIT = "ic-t1"
AILAB = str(Path(sys.executable).parent / "ailab")


def hand_grade(course, student, score, comment="Clear and specific."):
    """What formgrader does when a teacher types a score and a comment."""
    with nbgrader_api.gradebook(course) as gb:
        grade_row = gb.find_grade("r1", UNIT, UNIT, student)
        grade_row.manual_score = score
        grade_row.needs_manual_grade = False
        gb.find_comment("r1", UNIT, UNIT, student).manual_comment = comment
        gb.db.commit()


def r1(course, student):
    with nbgrader_api.gradebook(course) as gb:
        g = gb.find_grade("r1", UNIT, UNIT, student)
        c = gb.find_comment("r1", UNIT, UNIT, student)
        return g.manual_score, g.needs_manual_grade, c.manual_comment


def csv_rows(course):
    with course.grades_csv(UNIT).open(encoding="utf-8") as f:
        return {row["student_id"]: row for row in csv.DictReader(f)}


@pytest.fixture
def graded(course_copy):
    """Two students with correct answers and a written reflection, graded once."""
    correct = sampleclass.samples(units.get(UNIT), release_nb(course_copy, UNIT))["correct"]
    for student in ("amy", "ben"):
        submit(course_copy, UNIT, student, correct)
    report = grade(UNIT, course_copy.root, workers=2, progress=False)
    auto = sampleclass.expected_auto_scores(units.get(UNIT))["correct"]
    assert {r.student_id: r.score for r in report.rows} == {"amy": auto, "ben": auto}
    assert all("r1" in r.hand_grading for r in report.rows)
    return course_copy, auto


def test_hand_grade_shows_in_the_table_the_csv_and_the_export(graded):
    course, auto = graded
    hand_grade(course, "amy", 3)
    report = grade(UNIT, course.root, workers=2, progress=False)  # nothing changed: nothing regraded
    assert report.graded_now == 0
    rows = {r.student_id: r for r in report.rows}
    assert rows["amy"].score == auto + 3 and rows["amy"].hand_grading == ""
    assert rows["ben"].score == auto and "r1" in rows["ben"].hand_grading
    on_disk = csv_rows(course)
    assert float(on_disk["amy"]["score"]) == auto + 3 and on_disk["amy"]["hand_grading"] == ""
    assert "r1" in on_disk["ben"]["hand_grading"]
    exported = feedback.export(course.root)
    with exported.open(encoding="utf-8") as f:
        scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f) if r["assignment"] == UNIT}
    assert scores == {"amy": auto + 3, "ben": auto}


def test_force_regrade_keeps_the_hand_grade_and_comment_without_reflagging(graded):
    course, auto = graded
    hand_grade(course, "amy", 3)
    report = grade(UNIT, course.root, workers=2, force=True, progress=False)
    assert report.graded_now == 2
    assert r1(course, "amy") == (3, False, "Clear and specific.")
    assert {r.student_id: r.score for r in report.rows}["amy"] == auto + 3


def test_a_changed_reflection_is_flagged_again_but_keeps_the_old_grade(graded):
    course, auto = graded
    hand_grade(course, "amy", 3)
    path = course.submitted(UNIT, "amy") / f"{UNIT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if units.grade_id(c) == "r1")
    cell.source += "\n\nI changed my mind about consent."
    nbformat.write(nb, path)
    report = grade(UNIT, course.root, workers=2, progress=False)
    assert report.graded_now == 1
    assert r1(course, "amy") == (3, True, "Clear and specific.")
    assert "r1" in {r.student_id: r for r in report.rows}["amy"].hand_grading


def test_feedback_refuses_while_reflections_await_grading_and_writes_nothing(graded):
    course, _ = graded
    hand_grade(course, "amy", 3)
    with pytest.raises(BadInput, match="ben"):
        feedback.feedback(UNIT, course.root)
    assert not (course.root / "feedback").exists()


def test_feedback_with_allow_ungraded_says_the_total_is_not_final(graded):
    course, _ = graded
    hand_grade(course, "amy", 3)
    written = feedback.feedback(UNIT, course.root, allow_ungraded=True)
    pages = {p.parent.parent.name: p.read_text(encoding="utf-8") for p in written}
    assert "ailab-awaiting" in pages["ben"] and "r1" in pages["ben"]
    assert "ailab-awaiting" not in pages["amy"]
    assert "Clear and specific." in pages["amy"]


def test_cli_messages_and_table_follow_the_language_setting(graded):
    course, _ = graded
    env = {"PATH": "/usr/bin:/bin", "AILAB_LANG": "zh_CN", "HOME": str(course.root)}
    done = subprocess.run(
        [AILAB, "grade", UNIT], cwd=course.root, capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert f"课程文件夹：{course.root}" in done.stderr
    assert "| 学生 | 得分 | 状态 | 人工评分 | 说明 |" in done.stdout
    assert "待人工评分：r1" in done.stdout
    refused = subprocess.run(
        [AILAB, "feedback", UNIT], cwd=course.root, capture_output=True, text=True, env=env, timeout=600
    )
    assert refused.returncode == 2 and "等待人工评分" in refused.stderr
