"""Small builders the tests share."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from grader import nbgrader_api
from grader.paths import Course

FIXTURES = Path(__file__).parent / "fixtures"


def plain_course(root: Path) -> Course:
    """A course holding the plain nbgrader assignment from tests/fixtures/plain."""
    course = Course(root)
    root.mkdir(parents=True)
    nbgrader_api.write_config(course, None)
    course.source("plain").mkdir(parents=True)
    shutil.copy(FIXTURES / "plain" / "plain.ipynb", course.source("plain") / "plain.ipynb")
    nbgrader_api.generate_assignment(course, "plain")
    return course


def submit(course: Course, unit: str, student: str, nb) -> Path:
    """Place one submission (a notebook, or raw bytes for broken files)."""
    folder = course.submitted(unit, student)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{unit}.ipynb"
    if isinstance(nb, bytes):
        target.write_bytes(nb)
    else:
        nbformat.write(nb, target)
    return target


def release_nb(course: Course, unit: str):
    return nbformat.read(course.release(unit) / f"{unit}.ipynb", as_version=4)
