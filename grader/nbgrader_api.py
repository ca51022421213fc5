"""Everything ``ailab`` asks of nbgrader, in one module.

No other module imports nbgrader. The rest of the package talks to these
functions in terms of course folders, unit ids and notebooks, so nbgrader's
gradebook (SQLite by default, any SQLAlchemy URL through ``db_url``), its
release step, formgrader, feedback and export all keep working as stock.
"""

from __future__ import annotations

import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

from jupyter_core.paths import jupyter_config_dir
from nbconvert import HTMLExporter
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader import utils as nbg_utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.api import NbGraderAPI
from nbgrader.converters.generate_feedback import GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import CsvExportPlugin
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    ClearSolutions,
    DeduplicateIds,
    GetGrades,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from .errors import BadInput, BuildFailed
from .grading.sanitize import EXPORTER as CLEANING_EXPORTER
from .instructor import feedback_style
from .messages import say
from .paths import Course

COURSE_ID = "ailab"
CONFIG_TEMPLATE = '''"""nbgrader settings for this course, written by `ailab release`."""
import os

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
# The exchange (Assignment List's fetch and submit, `ailab collect UNIT` with no zip) lives in
# this folder, so it moves with the course. Students on other accounts need it writable.
c.Exchange.root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exchange")
{db_line}c.Execute.timeout = 120
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}}
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
# Formgrader and feedback pages clean student HTML again when they render it (grader/sanitize.py).
c.HTMLExporter.sanitize_html = True
c.HTMLExporter.filters = {{
    "clean_html": "grader.grading.sanitize.clean_html",
    "strip_files_prefix": "grader.grading.sanitize.clean_rendered_markdown",
}}
'''


def _venv_bin_on_path() -> None:
    """nbgrader runs ``alembic`` by name; make it findable when ailab is called by path."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


_venv_bin_on_path()
# nbgrader's gradebook emits these for its own session handling; they are not ours to fix.
warnings.filterwarnings("ignore", message=".*not in session.*")


def write_config(course: Course, db_url: str | None) -> None:
    """Make ``course.root`` a course folder stock nbgrader and formgrader understand.

    A gradebook URL set earlier is kept when none is given now.
    """
    if db_url is None and course.config.exists():
        configured = config(course).CourseDirectory.get("db_url")
        db_url = configured if isinstance(configured, str) else None
    db_line = f"c.CourseDirectory.db_url = {db_url!r}\n" if db_url else ""
    text = CONFIG_TEMPLATE.format(course_id=COURSE_ID, db_line=db_line)
    if not course.config.exists() or course.config.read_text(encoding="utf-8") != text:
        tmp = course.config.with_suffix(".py.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(course.config)
    exchange = Path(config(course).Exchange.root)
    if not exchange.is_dir():
        exchange.mkdir(parents=True)
        exchange.chmod(0o777)  # nbgrader's exchange: every student account writes its submissions here


def config(course: Course) -> Config:
    """The course's nbgrader settings (callers open the course with ``release.open_course`` first)."""
    cfg = PyFileConfigLoader(course.config.name, path=str(course.root)).load_config()
    cfg.CourseDirectory.root = str(course.root)
    return cfg


def coursedir(course: Course) -> CourseDirectory:
    return CourseDirectory(config=config(course))


def db_url(course: Course) -> str:
    return coursedir(course).db_url


@contextmanager
def gradebook(course: Course):
    with Gradebook(db_url(course), COURSE_ID) as gb:
        yield gb


def _succeeded(result: dict | None, step: str, unit_id: str) -> None:
    """NbGraderAPI reports failure in a dict; turn it into one line with nbgrader's last words."""
    if result and result["success"]:
        return
    tail = ((result or {}).get("error") or (result or {}).get("log") or "").strip().splitlines()[-1:]
    raise BuildFailed(f"nbgrader {step} failed: {' '.join(tail)}", unit_id)


def generate_assignment(course: Course, unit_id: str) -> None:
    """nbgrader's own release step: student version + source cells in the gradebook."""
    api = NbGraderAPI(coursedir=coursedir(course), config=config(course))
    _succeeded(api.generate_assignment(unit_id, force=True, create=True), "generate_assignment", unit_id)


def _api(course: Course, **settings) -> NbGraderAPI:
    cfg = config(course)
    for section, values in settings.items():
        for key, value in values.items():
            setattr(cfg[section], key, value)
    return NbGraderAPI(coursedir=coursedir(course), config=cfg)


def release_to_exchange(course: Course, unit_id: str) -> None:
    """nbgrader's release_assignment: Assignment List can fetch the unit, formgrader says "released"."""
    result = _api(course, ExchangeReleaseAssignment={"force": True}).release_assignment(unit_id)
    _succeeded(result, "release_assignment", unit_id)


def collect_from_exchange(course: Course, unit_id: str) -> list[str]:
    """nbgrader's collect: each student's newest submission from the exchange into submitted/.

    Returns the students who have a submission of this unit in the exchange.
    """
    api = _api(course)
    inbound = Path(config(course).Exchange.root) / COURSE_ID / "inbound"
    found = sorted({p.name.split("+")[0] for p in inbound.glob(f"*+{unit_id}+*")}) if inbound.is_dir() else []
    if found:
        _succeeded(api.collect(unit_id, update=True), "collect", unit_id)
    return found


def student_version(nb):
    """The notebook a student receives: no solutions, no hidden tests, no outputs."""
    nb = nbg_utils.NotebookNode(nb) if not hasattr(nb, "cells") else nb
    resources: dict = {}
    for pp in (ClearSolutions(), ClearHiddenTests(), ClearOutput()):
        nb, resources = pp.preprocess(nb, resources)
    return nb


def refresh_checksums(nb) -> None:
    """Recompute nbgrader's checksums of graded and locked cells (after translating them)."""
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if "checksum" in meta:
            meta["checksum"] = nbg_utils.compute_checksum(cell)


def _resources(course: Course, unit_id: str, student: str, notebook: str) -> dict:
    return {
        "nbgrader": {
            "notebook": notebook,
            "assignment": unit_id,
            "student": student,
            "db_url": db_url(course),
        }
    }


def sanitize(course: Course, unit_id: str, student: str, nb):
    """Stock autograde's first stage: restore locked and test cells from the gradebook.

    Edited, re-typed and deleted-then-restored test cells come back as the
    instructor wrote them; duplicated grade ids are dropped.
    """
    resources = _resources(course, unit_id, student, unit_id)
    for pp in (ClearOutput(), DeduplicateIds(), OverwriteKernelspec(), OverwriteCells(), CheckCellMetadata()):
        nb, resources = pp.preprocess(nb, resources)
    return nb


def begin_submission(course: Course, unit_id: str, student: str, folder: Path) -> None:
    """Create the student and submission rows, with the timestamp nbgrader would read."""
    cd = coursedir(course)
    timestamp = cd.get_existing_timestamp(str(folder))
    with gradebook(course) as gb:
        gb.update_or_create_student(student)
        if timestamp:
            gb.update_or_create_submission(unit_id, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(unit_id, student)


def save_grades(course: Course, unit_id: str, student: str, nb) -> tuple[float, float]:
    """Stock autograde's last stage: scores from the executed notebook into the gradebook."""
    resources = _resources(course, unit_id, student, unit_id)
    for pp in (SaveAutoGrades(), AssignLatePenalties()):
        nb, resources = pp.preprocess(nb, resources)
    with gradebook(course) as gb:
        sub = gb.find_submission_notebook(unit_id, unit_id, student)
        return float(sub.score), float(sub.max_score)


def keep_hand_grades(course: Course, unit_id: str, student: str, unchanged: set[str]) -> None:
    """Undo nbgrader's re-flagging of hand-graded cells whose answer did not change.

    ``SaveAutoGrades`` marks every cell with a manual score as needing review
    again on each autograde; a teacher would be told to redo finished work.
    """
    with gradebook(course) as gb:
        sub = gb.find_submission_notebook(unit_id, unit_id, student)
        for grade in sub.grades:
            if grade.manual_score is not None and grade.name in unchanged:
                grade.needs_manual_grade = False
        gb.db.commit()


def hand_grading(course: Course, unit_id: str) -> dict[str, tuple[float, list[str]]]:
    """Per student: the gradebook's total (hand grades included) and the cells awaiting a hand grade."""
    result = {}
    with gradebook(course) as gb:
        try:
            assignment = gb.find_assignment(unit_id)
        except MissingEntry:
            return result
        for sub in assignment.submissions:
            for nb in sub.notebooks:
                awaiting = sorted(g.name for g in nb.grades if g.needs_manual_grade)
                result[sub.student.id] = (float(nb.score), awaiting)
    return result


def zero_missing(course: Course, unit_id: str, student: str) -> None:
    """A submission with no readable notebook scores 0 everywhere, as in stock nbgrader."""
    with gradebook(course) as gb:
        sub = gb.find_submission_notebook(unit_id, unit_id, student)
        for grade in sub.grades:
            grade.auto_score = 0
            grade.needs_manual_grade = False
        gb.db.commit()


def max_score(course: Course, unit_id: str) -> float:
    with gradebook(course) as gb:
        try:
            return float(gb.find_assignment(unit_id).max_score)
        except MissingEntry as exc:
            what = say("grade.not_in_gradebook", unit=unit_id)
            raise BadInput(what, str(course.root), say("course.release_fix")) from exc


def feedback_html(course: Course, unit_id: str, student: str, nb) -> str:
    """nbgrader's feedback page for one graded notebook, with hidden tests stripped first."""
    resources = {**_resources(course, unit_id, student, unit_id), "config_dir": jupyter_config_dir()}
    for pp in (ClearHiddenTests(), GetGrades(), CSSHTMLHeaderPreprocessor()):
        nb, resources = pp.preprocess(nb, resources)
    exporter = HTMLExporter(config=GenerateFeedback(coursedir=coursedir(course)).config, **CLEANING_EXPORTER)
    html, _ = exporter.from_notebook_node(nb, resources=resources)
    return feedback_style.add_to(html)


def export_csv(course: Course, path: Path) -> None:
    """nbgrader's own CSV export of every grade in the gradebook."""
    plugin = CsvExportPlugin(config=config(course))
    plugin.to = str(path)
    with gradebook(course) as gb:
        plugin.export(gb)


def students(course: Course) -> list[str]:
    with gradebook(course) as gb:
        return [s.id for s in gb.students]
