"""A student's own workspace: their copies of the released units, and how they hand in.

``ailab student`` copies each released unit from the course into the
workspace (never over a copy the student already has) and opens JupyterLab
on the workspace alone, so solutions, hidden tests, the gradebook and other
students' work are not in sight. Handing in works two ways:

- ``ailab handin UNIT`` writes ``handin/<student>_<unit>.zip`` to upload to a
  learning platform; ``ailab collect`` accepts it, alone or inside the
  platform's zip;
- where the course's nbgrader exchange is reachable (same machine or a
  shared drive), Assignment List's Fetch and Submit buttons work, and the
  teacher runs ``ailab collect UNIT`` with no zip.
"""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .. import nbgrader_api, paths
from ..course import open_course, released_units, safe_id
from ..errors import BadInput
from ..messages import say
from . import lab

SETTINGS = ".ailab-student.json"
CONFIG = '''"""nbgrader settings for this student workspace, written by `ailab student`."""
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.student_id = {student!r}
c.Exchange.root = {exchange!r}
c.Exchange.assignment_dir = {workspace!r}
'''


@dataclass
class Workspace:
    root: Path
    student: str
    course: Path | None

    def unit(self, unit_id: str) -> Path:
        return self.root / unit_id / f"{unit_id}.ipynb"

    @property
    def handin(self) -> Path:
        return self.root / "handin"


def _check_student(student: str) -> str:
    usable = safe_id(student)
    if usable is None:
        what = say("workspace.bad_student", student=student)
        raise BadInput(what, "--student", say("workspace.student_fix"))
    return usable


def load(workspace: Path | None) -> Workspace:
    """A workspace made earlier by ``ailab student``."""
    root = Path(workspace or paths.student_workspace()).resolve()
    settings = root / SETTINGS
    if not settings.is_file():
        raise BadInput(say("workspace.none"), str(root), say("workspace.none_fix"))
    data = json.loads(settings.read_text(encoding="utf-8"))
    return Workspace(root, data["student"], Path(data["course"]) if data.get("course") else None)


def prepare(
    workspace: Path | None, course_dir: Path | None, student: str | None, lang: str | None = None
) -> tuple[Workspace, list[str]]:
    """Create or update a workspace; returns it and the units newly copied in.

    ``lang`` picks the language of the units copied in now (default: the one
    the teacher released); copies the student already has are never replaced.
    """
    root = Path(workspace or paths.student_workspace()).resolve()
    previous = load(root) if (root / SETTINGS).is_file() else None
    student = _check_student(student or (previous.student if previous else ""))
    course_root = course_dir or (previous.course if previous else None)
    if course_root is None:
        raise BadInput(say("workspace.no_course"), str(root), say("workspace.no_course_fix"))
    course = open_course(course_root, announce=False)
    if root == course.root or course.root in root.parents or root in course.root.parents:
        raise BadInput(say("workspace.inside_course"), str(root), say("workspace.inside_course_fix"))
    root.mkdir(parents=True, exist_ok=True)
    added = []
    for unit_id in released_units(course):
        released = course.release(unit_id)
        if lang is not None and course.edition(unit_id, lang, "release").is_dir():
            released = course.edition(unit_id, lang, "release")
        target = root / unit_id
        if released.is_dir() and not target.exists():
            shutil.copytree(released, target)
            added.append(unit_id)
    exchange = str(nbgrader_api.config(course).Exchange.root)
    values = {"course_id": nbgrader_api.COURSE_ID, "student": student, "exchange": exchange}
    text = CONFIG.format(**values, workspace=str(root))
    (root / "nbgrader_config.py").write_text(text, encoding="utf-8")
    settings = {"student": student, "course": str(course.root)}
    (root / SETTINGS).write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
    return Workspace(root, student, course.root), added


def student_lab(
    workspace: Path | None = None,
    course: Path | None = None,
    student: str | None = None,
    port: int = 8888,
    no_browser: bool = False,
    lang: str | None = None,
) -> int:
    """The student's JupyterLab: their workspace only, no instructor menus, in ``lang`` if given."""
    space, added = prepare(workspace, course, student, lang)
    print(say("workspace.ready", root=space.root, student=space.student), file=sys.stderr)
    for unit_id in added:
        print(say("workspace.added", unit=unit_id), file=sys.stderr)
    config = lab.student_config_dir(space.root)
    env = {"JUPYTER_CONFIG_DIR": str(config), **({"AILAB_LANG": lang} if lang else {})}
    settings = lab.language_settings(config / "lab-settings", lang or "en")
    return lab.start(space.root, port, no_browser, env=env, settings=settings)


def handin(unit: str, workspace: Path | None = None) -> Path:
    """``handin/<student>_<unit>.zip`` holding ``<student>/<unit>.ipynb``, ready to upload."""
    space = load(workspace)
    notebook = space.unit(unit)
    if not notebook.is_file():
        have = sorted(p.name for p in space.root.iterdir() if (p / f"{p.name}.ipynb").is_file())
        fix = say("workspace.units", units=", ".join(have))
        raise BadInput(say("workspace.no_unit", unit=unit), str(space.root), fix)
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as exc:  # nbformat raises several unrelated types for bad files
        raise BadInput(say("workspace.unreadable"), str(notebook), say("workspace.unreadable_fix")) from exc
    nb.metadata.setdefault("ailab", {})["student"] = space.student
    space.handin.mkdir(exist_ok=True)
    target = space.handin / f"{space.student}_{unit}.zip"
    tmp = target.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{space.student}/{unit}.ipynb", nbformat.writes(nb))
    tmp.replace(target)
    return target
