"""One mistake costs once: each question graded on its own, through the real grader.

For every unit, one submission per question holds the solution everywhere
except that question's answer cell, left as released. Each must lose exactly
that question's points: a later question that leans on an earlier answer
would lose more. ``ailab validate`` refuses such probes statically; this is
the same rule measured end to end.
"""

from __future__ import annotations

import copy

import pytest

from grader.authoring import units
from grader.authoring.units import grade_id, nbgrader_meta
from grader.grading.grade import grade
from grader.grading.sandbox import Limits
from tests.helpers import release_nb, submit


def answered(release, source, blank: str | None = None):
    """The release with every code answer solved, except ``blank``'s, left as released."""
    solutions = {grade_id(c): units.with_answer(c.source, None) for c in source.cells if units.is_solution(c)}
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        gid = grade_id(cell)
        if cell.cell_type == "code" and gid in solutions and gid != f"{blank}-answer":
            cell.source = solutions[gid]
    return nb


@pytest.mark.parametrize("unit_id", [u.id for u in units.discover()])
def test_each_blank_answer_costs_only_its_own_points(course_copy, unit_id):
    unit = units.get(unit_id)
    points = {grade_id(c): nbgrader_meta(c)["points"] for c in unit.tests}
    release = release_nb(course_copy, unit_id)
    expected = {}
    for question in points:
        submit(course_copy, unit_id, f"blank-{question}", answered(release, unit.notebook, blank=question))
        expected[f"blank-{question}"] = sum(points.values()) - points[question]
    submit(course_copy, unit_id, "all-answered", answered(release, unit.notebook))
    expected["all-answered"] = sum(points.values())
    report = grade(unit_id, course_copy.root, workers=2, limits=Limits(cell_timeout=60), progress=False)
    assert {r.student_id: r.score for r in report.rows} == expected
