"""Every unit's sample class gets its expected scores; feedback hides hidden tests."""

from __future__ import annotations

import csv

import pytest

from grader.authoring import units
from grader.grading.grade import grade
from grader.grading.sandbox import Limits
from grader.instructor import feedback, sampleclass


@pytest.mark.parametrize("unit", [u.id for u in units.discover()])
def test_sample_class_scores(course_copy, unit):
    students = sampleclass.write_sample_class(unit, course_copy.root)
    report = grade(
        unit,
        course_copy.root,
        workers=2,
        limits=Limits(cell_timeout=60, notebook_timeout=240),
        progress=False,
    )
    rows = {r.student_id: r for r in report.rows}
    assert set(rows) == set(students)
    for kind, score in sampleclass.expected_auto_scores(units.get(unit)).items():
        assert rows[f"sample-{kind}"].score == score, rows[f"sample-{kind}"]
    assert 0 < rows["sample-partial"].score < rows["sample-correct"].score
    assert rows["sample-looper"].status == "timeout"
    with course_copy.grades_csv(unit).open() as f:
        table = list(csv.DictReader(f))
    assert {r["student_id"] for r in table} == set(students)
    assert set(table[0]) >= {"student_id", "unit", "score", "max_score", "status", "message"}

    pages = feedback.feedback(unit, course_copy.root, allow_ungraded=True)  # the sample has no teacher
    assert len(pages) == len(students)
    for page in pages:
        html = page.read_text()
        assert "hidden=True" not in html and "BEGIN HIDDEN TESTS" not in html
    exported = feedback.export(course_copy.root)
    assert sum(1 for _ in exported.open()) > len(students)
