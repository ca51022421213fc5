"""Which course a command acts on, and which units it has.

A course is named with ``--course DIR`` or found from the current folder, the
way nbgrader finds ``nbgrader_config.py``: the current folder or the nearest
parent that is an ailab course. There is no silent default, so grades never
land in some other course. Unit names are checked against what the course has
released, with the valid names in the message.
"""

from __future__ import annotations

import difflib
import os
import sys
import unicodedata
from pathlib import Path

from .errors import BadInput
from .messages import say
from .paths import Course

MARKER = "written by `ailab release`"  # in every course's nbgrader_config.py
UNSAFE_IN_NAMES = set('/\\:*?"<>|')  # not allowed in a folder name on some system
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10))}


def is_course(folder: Path) -> bool:
    config = folder / "nbgrader_config.py"
    try:
        return config.is_file() and MARKER in config.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def find(start: Path | None = None) -> Path | None:
    """The course folder at or above ``start`` (default: the current folder), if any."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if is_course(folder):
            return folder
    return None


def open_course(course_dir: Path | None, create: bool = False, announce: bool = True) -> Course:
    """The course named by ``course_dir`` or found from the current folder.

    With ``create`` (``ailab release``) a new or empty folder may become a
    course. ``announce`` prints the folder on stderr so every command says
    what it acts on.
    """
    if course_dir is None:
        found = find()
        if found is None:
            raise BadInput(say("course.none"), os.getcwd(), say("course.none_fix"))
        course_dir = found
    course = Course(Path(course_dir).resolve())
    if course.root.exists() and not course.root.is_dir():
        raise BadInput(say("course.is_file"), str(course.root), say("course.is_file_fix"))
    if not course.config.exists():
        if not create:
            raise BadInput(say("course.not_course"), str(course.root), say("course.not_course_fix"))
        if course.root.exists() and any(course.root.iterdir()):
            raise BadInput(say("course.not_empty"), str(course.root), say("course.not_empty_fix"))
    if announce:
        print(say("course.using", root=course.root), file=sys.stderr)
    return course


def released_units(course: Course) -> list[str]:
    """Unit ids released in this course (those with a source notebook in ``source/``)."""
    root = course.root / "source"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / f"{p.name}.ipynb").is_file())


def require_unit(course: Course, unit: str) -> str:
    """``unit`` if the course has released it; otherwise bad input listing the valid ids."""
    known = released_units(course)
    if unit in known:
        return unit
    raise unknown_unit(unit, known, str(course.root))


def unknown_unit(unit: str, known: list[str], where: str) -> BadInput:
    """The error for a unit name that is not one of ``known``: the valid names, and the likely one."""
    same = [k for k in known if k.lower() == unit.lower()]
    close = same or difflib.get_close_matches(unit, known, n=2, cutoff=0.75)
    close = close if len(close) == 1 else []  # suggest only when one name is clearly meant
    hint = say("course.did_you_mean", unit=close[0]) + " " if close else ""
    fix = hint + say("course.valid_units", units=", ".join(known) or say("course.no_units"))
    return BadInput(say("course.unknown_unit", unit=unit), where, fix)


def safe_id(name: str | None) -> str | None:
    """``name`` as a student id, or None if it is unsafe as a folder name on Linux, macOS or Windows.

    NFKC makes full-width digits typed with a Chinese input method plain, so
    ``２０２５０１６`` and ``2025016`` are one student.
    """
    name = unicodedata.normalize("NFKC", name or "")
    ok = (
        0 < len(name) <= 64
        and any(c.isalnum() for c in name)
        and name[0] not in ".- "  # hidden, an option, or invisible
        and name[-1] not in ". "  # Windows drops them
        and name.split(".")[0].upper() not in WINDOWS_RESERVED
        and not any(c in UNSAFE_IN_NAMES or unicodedata.category(c).startswith("C") for c in name)
    )
    return name if ok else None
