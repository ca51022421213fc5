"""``ailab release``: turn source units into an nbgrader course a class can use."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from tqdm.auto import tqdm

from . import nbgrader_api, paths, units
from .errors import BadInput
from .paths import Course

IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")


def open_course(course_dir: Path | None, create: bool = False) -> Course:
    """The course at ``course_dir``; refuses folders that are not one (unless creating)."""
    course = Course(Path(course_dir or paths.DEFAULT_COURSE).resolve())
    if course.root.exists() and not course.root.is_dir():
        raise BadInput("is a file, not a folder", str(course.root), "name a folder with --course")
    if not course.config.exists():
        if not create:
            raise BadInput(
                "not an ailab course folder (no nbgrader_config.py)",
                str(course.root),
                "run `ailab release --course DIR` first",
            )
        if course.root.exists() and any(course.root.iterdir()):
            raise BadInput(
                "folder is not empty and is not a course",
                str(course.root),
                "name an empty or new folder with --course",
            )
    return course


def copy_source(unit: units.Unit, course: Course) -> None:
    """Replace the course's copy of one unit with the repository's, in one step."""
    target = course.source(unit.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{unit.id}-", dir=target.parent))
    shutil.copytree(unit.folder, staging / unit.id, ignore=IGNORE)
    if target.exists():
        shutil.rmtree(target)
    (staging / unit.id).rename(target)
    staging.rmdir()


def release(
    course_dir: Path | None = None, unit_ids: list[str] | None = None, db_url: str | None = None
) -> Course:
    """Student versions of the units via nbgrader, with a gradebook that knows them."""
    selected = units.select(unit_ids)
    course = open_course(course_dir, create=True)
    course.root.mkdir(parents=True, exist_ok=True)
    nbgrader_api.write_config(course, db_url)
    for unit in tqdm(selected, desc="release", unit="unit", disable=len(selected) < 2):
        copy_source(unit, course)
        nbgrader_api.generate_assignment(course, unit.id)
    return course
