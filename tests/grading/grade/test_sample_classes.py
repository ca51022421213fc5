"""Every unit's sample class gets its expected scores, in English and Chinese alike.

Feedback hides hidden tests and speaks each student's language.

The Chinese samples sit in the same class and are graded in the same batch,
into the same gradebook: a mixed class, as a Beijing teacher may have.
"""

from __future__ import annotations

import csv
import re
import shutil

import nbformat
import pytest

from grader.authoring import units
from grader.grading.grade import grade
from grader.grading.sandbox import Limits
from grader.instructor import feedback, sampleclass

# Worked out by hand once from each source notebook's nbgrader points, not by the code under test.
# correct / looper: every test's points (the looper's endless cell is stopped, the rest still runs).
# partial: the first half (rounded down) of the answer cells, the reflection counted, is solved:
#   ic-t1 has 8 answers, so q1-q4 (1+2+1+1); ic-t2 7, so q1-q3 (2+3+2); ic-t3 8, so q1-q4 (2+2+2+2);
#   ce-t1 7, so q1-q3 (1+2+2); ce-t2 8, so q1-q4 (1+2+2+2); ce-t3 8 (two reflections), so q1-q4
#   (2+2+2+1); dp-t1 10, so q1-q5 (2+1+2+1+2); dp-t2 9, so q1-q4 (2+1+2+1); dp-t3 8, so
#   q1-q4 (1+1+2+1).
# empty, wrong, tamper: nothing. Reflections await a teacher, so they add nothing here.
CJK = re.compile(r"[\u4e00-\u9fff]")
KINDS = ("correct", "partial", "empty", "wrong", "tamper", "looper")
EXPECTED = {
    "ic-t1": (11.0, 5.0, 0.0, 0.0, 0.0, 11.0),  # q1..q7 = 1, 2, 1, 1, 2, 2, 2
    "ic-t2": (15.0, 7.0, 0.0, 0.0, 0.0, 15.0),  # q1..q6 = 2, 3, 2, 2, 3, 3
    "ic-t3": (14.0, 8.0, 0.0, 0.0, 0.0, 14.0),  # q1..q7 = 2, 2, 2, 2, 2, 2, 2
    "ce-t1": (11.0, 5.0, 0.0, 0.0, 0.0, 11.0),  # q1..q6 = 1, 2, 2, 2, 2, 2
    "ce-t2": (14.0, 7.0, 0.0, 0.0, 0.0, 14.0),  # q1..q7 = 1, 2, 2, 2, 2, 2, 3
    "ce-t3": (11.0, 7.0, 0.0, 0.0, 0.0, 11.0),  # q1..q6 = 2, 2, 2, 1, 2, 2
    "dp-t1": (16.0, 8.0, 0.0, 0.0, 0.0, 16.0),  # q1..q9 = 2, 1, 2, 1, 2, 2, 2, 2, 2
    "dp-t2": (14.0, 6.0, 0.0, 0.0, 0.0, 14.0),  # q1..q8 = 2, 1, 2, 1, 2, 2, 2, 2
    "dp-t3": (10.0, 5.0, 0.0, 0.0, 0.0, 10.0),  # q1..q7 = 1, 1, 2, 1, 2, 2, 1
}


def test_every_unit_has_hand_worked_scores():
    assert sorted(EXPECTED) == sorted(u.id for u in units.discover()), "work out the new unit's scores"


@pytest.mark.parametrize("unit", [u.id for u in units.discover()])
def test_sample_class_scores(course_copy, unit):
    students = sampleclass.write_sample_class(unit, course_copy.root)
    chinese = sampleclass.write_sample_class(unit, course_copy.root, lang="zh_CN")
    shutil.rmtree(course_copy.submitted(unit, "sample-zh-looper").parent)  # one endless loop is enough
    chinese.remove("sample-zh-looper")
    report = grade(
        unit,
        course_copy.root,
        workers=2,
        limits=Limits(cell_timeout=60, notebook_timeout=240),
        progress=False,
    )
    rows = {r.student_id: r for r in report.rows}
    assert set(rows) == set(students + chinese)
    expected = dict(zip(KINDS, EXPECTED[unit], strict=True))
    assert {kind: rows[f"sample-{kind}"].score for kind in KINDS} == expected
    honest = KINDS[:-1]
    assert {kind: rows[f"sample-zh-{kind}"].score for kind in honest} == {k: expected[k] for k in honest}
    assert {r.student_id: r.message for r in report.rows if r.student_id.startswith("sample-zh-")} == {
        f"sample-zh-{k}": rows[f"sample-{k}"].message for k in honest
    }  # the same questions fail in both languages
    graded = nbformat.read(course_copy.autograded(unit, "sample-zh-wrong") / f"{unit}.ipynb", as_version=4)
    setup = next(c for c in graded.cells if units.grade_id(c) == "setup")
    assert CJK.search(setup.source), "nbgrader's restore turned the locked cells back into English"
    verdicts = [o for c in graded.cells if units.is_test(c) for o in c.outputs if o.output_type == "error"]
    assert verdicts and all(CJK.search(o.evalue) for o in verdicts)
    for kind, score in sampleclass.expected_auto_scores(units.get(unit)).items():
        assert score == expected[kind], f"sampleclass.expected_auto_scores disagrees on {kind}"
    assert rows["sample-looper"].status == "timeout"
    with course_copy.grades_csv(unit).open() as f:
        table = list(csv.DictReader(f))
    assert {r["student_id"] for r in table} == set(students + chinese)
    assert set(table[0]) >= {"student_id", "unit", "score", "max_score", "status", "message"}

    pages = feedback.feedback(unit, course_copy.root, allow_ungraded=True)  # the sample has no teacher
    assert len(pages) == len(students + chinese)
    for page in pages:
        html = page.read_text()
        assert "hidden=True" not in html and "BEGIN HIDDEN TESTS" not in html
        zh = page.parent.parent.name.startswith("sample-zh-")
        assert ('<html lang="zh-CN">' in html) == zh and ("Student's answer" in html) != zh
    exported = feedback.export(course_copy.root)
    assert sum(1 for _ in exported.open()) > len(students)
