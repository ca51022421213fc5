"""The released unit's own files (its figures in ``assets/``) beside graded notebooks and feedback pages.

Units show figures through relative links such as ``assets/digit_grid.png``.
Formgrader serves a submission's files from ``autograded/<student>/<unit>/``
and a feedback page is opened from ``feedback/<student>/<unit>/``, so the
figures must be there too. Only the instructor's released files are copied,
never a student's (formgrader would serve a student's HTML file from the
instructor's Jupyter origin), and a file already there is never replaced.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..paths import Course

SKIP = {"__pycache__", ".ipynb_checkpoints"}


def copy_beside(course: Course, unit: str, folder: Path) -> list[Path]:
    """Copy the release's non-notebook files into ``folder``; returns what was copied."""
    release = course.release(unit)
    copied = []
    for path in sorted(release.rglob("*")) if release.is_dir() else []:
        parts = path.relative_to(release).parts
        if path.is_symlink() or not path.is_file() or path.suffix == ".ipynb":
            continue
        if any(part in SKIP or part.startswith(".") for part in parts):
            continue
        target = folder.joinpath(*parts)
        if target.exists() or target.is_symlink():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copied.append(target)
    return copied
