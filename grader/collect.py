"""``ailab collect``: unpack a zip of submissions into nbgrader's layout.

Learning platforms name downloads differently; we accept the two common
shapes: ``<student>/<anything>.ipynb`` and ``<student>_<anything>.ipynb`` (or
``<student>-...``). Every member is checked before anything is written, and
nothing is written outside ``submitted/``.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from .errors import BadInput
from .release import open_course

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
MAX_MEMBER_MB = 20


def _student_and_name(member: str) -> tuple[str, str] | None:
    parts = PurePosixPath(member).parts
    if not member.endswith(".ipynb") or "__MACOSX" in parts or any(p in ("..", "") for p in parts):
        return None
    if len(parts) >= 2:
        return parts[-2], parts[-1]
    stem = parts[0]
    match = re.match(r"^([A-Za-z0-9.@]+)[_-]", stem)
    return (match.group(1), stem) if match else None


def collect(unit: str, zip_file: Path, course_dir: Path | None = None) -> list[str]:
    """Place each student's notebook at ``submitted/<student>/<unit>/<unit>.ipynb``."""
    course = open_course(course_dir)
    if not zip_file.is_file():
        raise BadInput("no such file", str(zip_file), "name the zip you downloaded")
    try:
        archive = zipfile.ZipFile(zip_file)
    except zipfile.BadZipFile as exc:
        raise BadInput("not a zip file", str(zip_file), "download the submissions again as .zip") from exc
    plan: dict[str, zipfile.ZipInfo] = {}
    with archive:
        for info in archive.infolist():
            found = _student_and_name(info.filename)
            if found is None:
                continue
            student, _ = found
            if not STUDENT_ID.match(student):
                raise BadInput(
                    f"cannot read a student id from {info.filename!r}",
                    str(zip_file),
                    "name folders or files <student_id>/... or <student_id>_...",
                )
            if info.file_size > MAX_MEMBER_MB * 2**20:
                raise BadInput(
                    f"{info.filename!r} is larger than {MAX_MEMBER_MB} MB",
                    str(zip_file),
                    "remove it from the zip",
                )
            if student in plan:
                raise BadInput(
                    f"two notebooks for student {student!r}", str(zip_file), "keep one notebook per student"
                )
            plan[student] = info
        if not plan:
            raise BadInput("no notebooks found", str(zip_file), "the zip should hold .ipynb files")
        for student, info in sorted(plan.items()):
            target = course.submitted(unit, student) / f"{unit}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".ipynb.tmp")
            tmp.write_bytes(archive.read(info))
            tmp.replace(target)
    return sorted(plan)
