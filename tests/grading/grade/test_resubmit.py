"""A student who hands in again is regraded; everyone else's results are left exactly as they were."""

from __future__ import annotations

import copy
import hashlib

import nbformat

from grader import nbgrader_api
from grader.grading.grade import grade
from tests.helpers import plain_course, release_nb, solved, submit


def _state(course, student):
    """What a regrade would change: the autograded notebook (bytes and mtime) and the journal lines."""
    notebook = course.autograded("plain", student) / "plain.ipynb"
    journal = [ln for ln in course.journal("plain").read_text().splitlines() if f'"{student}"' in ln]
    return hashlib.sha256(notebook.read_bytes()).hexdigest(), notebook.stat().st_mtime_ns, journal


def _gradebook_scores(course):
    with nbgrader_api.gradebook(course) as gb:
        return {s.student_id: s.score for s in gb.assignment_submissions("plain")}


def test_a_changed_notebook_is_regraded_and_no_other(tmp_path):
    course = plain_course(tmp_path / "course")
    release = release_nb(course, "plain")
    source = nbformat.read(course.source("plain") / "plain.ipynb", as_version=4)
    good = solved(release, source)
    half = copy.deepcopy(good)
    half.cells[3].source = "def mean(xs):\n    return 0"
    for student, nb in {"ann": good, "bo": half, "cy": release}.items():
        submit(course, "plain", student, nb)
    first = grade("plain", course.root, workers=2, progress=False)
    scores = {r.student_id: r.score for r in first.rows}
    assert first.graded_now == 3 and scores["ann"] > scores["bo"] > scores["cy"] == 0
    others = {s: _state(course, s) for s in ("ann", "cy")}
    book_before = _gradebook_scores(course)

    submit(course, "plain", "bo", good)  # bo fixes the mean and hands in again
    again = grade("plain", course.root, workers=2, progress=False)

    assert again.graded_now == 1
    rescored = {r.student_id: r.score for r in again.rows}
    assert rescored == {**scores, "bo": scores["ann"]}
    assert {s: _state(course, s) for s in ("ann", "cy")} == others  # untouched, not rewritten alike
    book_after = _gradebook_scores(course)
    assert book_after == {**book_before, "bo": scores["ann"]}
    journal = course.journal("plain").read_text().splitlines()
    assert sum('"bo"' in ln for ln in journal) == 2
