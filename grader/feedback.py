"""``ailab feedback`` and ``ailab export``: what students and the school office receive."""

from __future__ import annotations

from pathlib import Path

import nbformat

from . import nbgrader_api
from .errors import BadInput
from .release import open_course


def feedback(unit: str, course_dir: Path | None = None) -> list[Path]:
    """One HTML page per graded student, via nbgrader's feedback template, hidden tests removed."""
    course = open_course(course_dir)
    graded = sorted((course.root / "autograded").glob(f"*/{unit}/{unit}.ipynb"))
    if not graded:
        raise BadInput(
            f"nothing graded for {unit!r} yet", str(course.root), f"run `ailab grade {unit}` first"
        )
    written = []
    for path in graded:
        student = path.parent.parent.name
        html = nbgrader_api.feedback_html(course, unit, student, nbformat.read(path, as_version=4))
        target = course.feedback(unit, student) / f"{unit}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".html.tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(target)
        written.append(target)
    return written


def export(course_dir: Path | None = None, to: Path = Path("grades.csv")) -> Path:
    """Every grade in the gradebook, in nbgrader's CSV format."""
    course = open_course(course_dir)
    target = to if to.is_absolute() else course.root / to
    if target.exists() and target.is_dir():
        raise BadInput("is a folder", str(target), "name a .csv file with --to")
    tmp = target.with_suffix(".csv.tmp")
    nbgrader_api.export_csv(course, tmp)
    tmp.replace(target)
    return target
