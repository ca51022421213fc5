"""``ailab release``: turn source units into an nbgrader course a class can use.

Releasing is safe to repeat: a unit whose source has not changed is left as
it is, and a changed unit that students already hand in, or whose release
folder was edited, is re-released only with ``--force``, after the old
release is kept under ``.ailab/<unit>/replaced/``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from tqdm.auto import tqdm

from .. import nbgrader_api
from ..course import open_course
from ..errors import BadInput
from ..i18n import LANGUAGES, edition, sources
from ..messages import say
from ..paths import Course
from . import syllabus, units

# Catalogues hold model answers in translation: they never reach students.
IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc", "locale")


def rubric_cell(reflection, lang: str = "en") -> nbformat.NotebookNode:
    """A locked cell under a reflection showing its rubric, so students and formgrader see it."""
    gid = units.grade_id(reflection)
    points = units.nbgrader_meta(reflection).get("points", 0)
    text = f"**{say('release.rubric', lang=lang, question=gid, points=points)}**\n\n"
    cell = nbformat.v4.new_markdown_cell(text + syllabus.rubric_table(reflection, lang))
    cell.id = f"{gid}-rubric"
    cell.metadata["nbgrader"] = {
        "grade": False,
        "grade_id": f"{gid}-rubric",
        "locked": True,
        "schema_version": 3,
        "solution": False,
    }
    cell.metadata["ailab"] = {"derived": "rubric", "for": gid}
    return cell


def with_rubrics(nb, lang: str = "en") -> nbformat.NotebookNode:
    """The unit notebook with a rubric cell after every reflection that has a rubric."""
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "markdown" and units.is_graded(cell) and units.ailab_meta(cell).get("rubric"):
            cells.append(rubric_cell(cell, lang))
    nb.cells = cells
    return nb


def fingerprint(folder: Path) -> str:
    """One hash of every file a unit ships, so an unchanged unit is not released again."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if any(part in (".ipynb_checkpoints", "__pycache__") for part in path.parts) or path.suffix == ".pyc":
            continue
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _record(course: Course, unit_id: str) -> Path:
    return course.private(unit_id) / "release.json"


def _why_in_use(course: Course, unit_id: str) -> str | None:
    """Why re-releasing could hurt students: submissions exist, or someone edited the release."""
    count = sum(1 for _ in course.submitted(unit_id).glob(f"*/{unit_id}"))
    if count:
        return say("release.has_submissions", n=count)
    record = _record(course, unit_id)
    notebook = course.release(unit_id) / f"{unit_id}.ipynb"
    if record.is_file() and notebook.is_file():
        if json.loads(record.read_text()).get("release_sha256") != _file_hash(notebook):
            return say("release.edited", path=notebook)
    return None


def _keep_old(course: Course, unit_id: str) -> Path:
    """Move the previous source and release of a unit aside, never deleting them."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    keep = course.private(unit_id) / "replaced" / stamp
    keep.mkdir(parents=True, exist_ok=True)
    for name, folder in (("source", course.source(unit_id)), ("release", course.release(unit_id))):
        if folder.exists():
            shutil.move(str(folder), str(keep / name))
    return keep


def copy_source(unit: units.Unit, course: Course) -> None:
    """Replace the course's copy of one unit with the repository's (rubrics added), in one step."""
    target = course.source(unit.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{unit.id}-", dir=target.parent))
    shutil.copytree(unit.folder, staging / unit.id, ignore=IGNORE)
    notebook = staging / unit.id / f"{unit.id}.ipynb"
    nbformat.write(with_rubrics(nbformat.read(notebook, as_version=4)), notebook)
    if target.exists():
        shutil.rmtree(target)
    (staging / unit.id).rename(target)
    staging.rmdir()


def write_editions(course: Course, unit: units.Unit, wanted: str = "en") -> None:
    """Every language's source and student version of a released unit, from the English release.

    The student versions are nbgrader's English release translated cell by
    cell, so their cells, grade ids and points are nbgrader's own; checksums
    are recomputed so nbgrader's Validate button accepts them. A language
    whose translation is unfinished is left out with a warning, unless it is
    the one the class was asked to get.
    """
    english = nbformat.read(course.release(unit.id) / f"{unit.id}.ipynb", as_version=4)
    for lang in LANGUAGES:
        try:
            _write_edition(course, unit, lang, english)
        except edition.Missing as exc:
            if lang == wanted:
                raise
            shutil.rmtree(course.private(unit.id) / "editions" / lang, ignore_errors=True)
            print(say("release.no_translation", unit=unit.id, language=lang, why=exc), file=sys.stderr)


def _write_edition(course: Course, unit: units.Unit, lang: str, english) -> None:
    release_dir = course.edition(unit.id, lang, "release")
    staging = release_dir.with_name(f".{unit.id}-new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(course.release(unit.id), staging, ignore=IGNORE)
    if lang != "en":
        translated = sources.translated_unit(unit, lang)
        source_nb = with_rubrics(copy.deepcopy(translated.notebook), lang)
        translate = sources.Source.of(unit).translator(lang)
        student = edition.translate_notebook(english, translate, unit.folder)
        rubrics = {c.id: c for c in source_nb.cells if units.ailab_meta(c).get("derived")}
        student.cells = [rubrics.get(c.id, c) for c in student.cells]
        nbgrader_api.refresh_checksums(student)
        source_dir = course.edition(unit.id, lang, "source")
        shutil.rmtree(source_dir, ignore_errors=True)
        shutil.copytree(translated.folder, source_dir, ignore=IGNORE)
        nbformat.write(source_nb, source_dir / f"{unit.id}.ipynb")
        if (translated.folder / "assets").is_dir():
            shutil.copytree(translated.folder / "assets", staging / "assets", dirs_exist_ok=True)
        nbformat.write(student, staging / f"{unit.id}.ipynb")
    shutil.rmtree(release_dir, ignore_errors=True)
    release_dir.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(release_dir)


def _use_language(course: Course, unit_id: str, lang: str) -> None:
    """Put the class's language version in nbgrader's release folder (English is already there)."""
    if lang != "en":
        notebook = course.edition(unit_id, lang, "release") / f"{unit_id}.ipynb"
        shutil.copy2(notebook, course.release(unit_id) / f"{unit_id}.ipynb")


def release_unit(course: Course, unit: units.Unit, force: bool = False, lang: str = "en") -> str:
    """Release one unit; returns what happened ("released", "unchanged", "replaced")."""
    record = _record(course, unit.id)
    source_sha = fingerprint(unit.folder)
    previous = json.loads(record.read_text()) if record.is_file() else {}
    released = (course.release(unit.id) / f"{unit.id}.ipynb").is_file()
    same = previous.get("source_sha256") == source_sha and previous.get("lang", "en") == lang
    if released and same and not force:
        nbgrader_api.release_to_exchange(course, unit.id)
        return "unchanged"
    status = "released"
    if released:
        why = _why_in_use(course, unit.id)
        if why and not force:
            raise BadInput(
                say("release.in_use", unit=unit.id, why=why),
                str(course.root),
                say("release.in_use_fix", unit=unit.id),
            )
        if why:
            print(say("release.kept", path=_keep_old(course, unit.id)), file=sys.stderr)
            status = "replaced"
    copy_source(unit, course)
    nbgrader_api.generate_assignment(course, unit.id)
    write_editions(course, unit, lang)
    _use_language(course, unit.id, lang)
    nbgrader_api.release_to_exchange(course, unit.id)
    record.parent.mkdir(parents=True, exist_ok=True)
    notebook = course.release(unit.id) / f"{unit.id}.ipynb"
    facts = {"source_sha256": source_sha, "release_sha256": _file_hash(notebook), "lang": lang}
    record.write_text(json.dumps(facts))
    return status


def release(
    course_dir: Path | None = None,
    unit_ids: list[str] | None = None,
    db_url: str | None = None,
    force: bool = False,
    lang: str = "en",
) -> Course:
    """Student versions of the units via nbgrader, with a gradebook and an exchange that know them.

    Every language's version is made; ``lang`` is the one students fetch from
    the exchange (``ailab student --lang`` gives each student their own).
    """
    selected = units.select(unit_ids)
    course = open_course(course_dir, create=True)
    course.root.mkdir(parents=True, exist_ok=True)
    nbgrader_api.write_config(course, db_url)
    for unit in tqdm(selected, desc="release", unit="unit", disable=len(selected) < 2, file=sys.stderr):
        status = release_unit(course, unit, force, lang)
        tqdm.write(say(f"release.{status}", unit=unit.id, path=course.release(unit.id)), file=sys.stderr)
    return course
