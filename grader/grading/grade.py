"""``ailab grade``: grade every submission of a unit, in parallel sandboxes.

The main thread is the only one that touches the gradebook: it reads and
sanitises each submission (nbgrader's own preprocessors restore the test
cells), hands the cells to a free worker, and writes each result as it comes
back: the autograded notebook, the scores (nbgrader's ``SaveAutoGrades``), and
a journal line. Test cells written as ``check(...)`` calls are judged here,
from the instructor's source notebook, on the plain values the sandboxed
kernel returned; other test cells are scored as stock nbgrader scores them.
"""

from __future__ import annotations

import ast
import os
import queue
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from importlib.util import find_spec
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager
from tqdm.auto import tqdm

from .. import nbgrader_api, syntax
from ..authoring import syllabus
from ..authoring.units import grade_id, is_hand_graded, is_test, nbgrader_meta
from ..checks import checkspec
from ..course import open_course, require_unit
from ..errors import BadInput
from ..i18n import LANGUAGES
from ..messages import say
from ..paths import Course
from . import sanitize, submissions, unit_files
from .sandbox import Confinement, Limits, Worker, sandbox_mode
from .submissions import Row, Submission
from .verdicts import Question, judge, outputs

ALWAYS_WARM = ["numpy", "IPython", "grader.checks.check", "matplotlib", "matplotlib.pyplot", "ipywidgets"]


@dataclass
class Report:
    unit: str
    rows: list[Row]
    seconds: float
    workers: int
    sandboxed: bool
    graded_now: int
    confinement: Confinement | None = None  # what bounded the workers (cgroup or rlimits); None if none ran


@dataclass(frozen=True)
class SourceUnit:
    """What the grader trusts about a unit: read from the course's source copy only."""

    notebook: object
    questions: dict[str, Question]
    tests: dict[str, str]  # grade id -> test cell source, hidden tests included
    locked: dict[str, str]  # grade id -> source of every locked cell (what a student may not change)
    lang: str = "en"
    blank: dict[str, str] = field(default_factory=dict)  # answer cell -> checksum of its unanswered form

    @property
    def grade_ids(self) -> set[str]:
        return {grade_id(c) for c in self.notebook.cells if grade_id(c)}

    @classmethod
    def load(cls, course: Course, unit: str, lang: str = "en") -> SourceUnit:
        path = course.edition(unit, lang, "source") / f"{unit}.ipynb"
        if not path.exists():
            raise BadInput(say("course.unknown_unit", unit=unit), str(course.root), say("course.release_fix"))
        nb = nbformat.read(path, as_version=4)
        tests = {grade_id(c): c.source for c in nb.cells if is_test(c)}
        questions = {
            gid: Question.from_calls(gid, calls)
            for gid, src in tests.items()
            if (calls := checkspec.parse(src))
        }
        locked = {grade_id(c): c.source for c in nb.cells if grade_id(c) and nbgrader_meta(c).get("locked")}
        blank = {}
        if lang != "en":  # nbgrader knows English checksums; an untouched translated stub is unanswered too
            student = nbformat.read(course.edition(unit, lang, "release") / f"{unit}.ipynb", as_version=4)
            blank = {grade_id(c): nbgrader_meta(c)["checksum"] for c in student.cells if is_hand_graded(c)}
        return cls(nb, questions, tests, locked, lang, blank)


class Editions:
    """The unit's source in each language its submissions are written in, loaded when first needed.

    Chinese and English versions share cells, grade ids, code and tests; only
    their words differ. Each submission is restored and judged against the
    version in its own language, so a Chinese notebook keeps its Chinese cells
    and hints, and scores exactly what the same answers score in English.
    """

    def __init__(self, course: Course, unit: str) -> None:
        self.course, self.unit = course, unit
        self.loaded = {"en": SourceUnit.load(course, unit)}

    @property
    def english(self) -> SourceUnit:
        return self.loaded["en"]

    def of(self, nb) -> SourceUnit:
        """The version a submission is written in (English when unsure, or when that version is missing)."""
        meta = nb.get("metadata", {}).get("ailab", {}) if nb is not None else {}
        lang = meta.get("lang") if isinstance(meta, dict) else None
        if lang not in LANGUAGES or lang == "en":
            return self.english
        if lang not in self.loaded:
            path = self.course.edition(self.unit, lang, "source") / f"{self.unit}.ipynb"
            found = path.is_file()
            self.loaded[lang] = SourceUnit.load(self.course, self.unit, lang) if found else self.english
        return self.loaded[lang]


def warm_modules(nb) -> list[str]:
    """Top-level modules the unit imports, so each worker imports them once."""
    names = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = syntax.parse(TransformerManager().transform_cell(cell.source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    wanted = dict.fromkeys(ALWAYS_WARM + names)
    return [n for n in wanted if find_spec(n.split(".")[0]) is not None]


def prepare(course: Course, unit: str, sub: Submission, source: SourceUnit):
    """The notebook to run: nbgrader's sanitising, then every test cell as the instructor wrote it."""
    _drop_foreign_grade_ids(sub.nb, source)
    nb = nbgrader_api.sanitize(course, unit, sub.student, sub.nb)
    _restore_deleted_tests(nb, source)
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in source.tests:
            cell.cell_type = "code"
            cell.source = source.tests[gid]
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
        elif gid in source.locked:  # nbgrader put back the English; the student's language stays
            cell.source = source.locked[gid]
        if gid in source.blank:
            cell.metadata["nbgrader"]["checksum"] = source.blank[gid]
    return nb


def _drop_foreign_grade_ids(nb, source: SourceUnit) -> None:
    """Cells claiming grade ids the unit does not have, or that a later cell claims too, become plain cells.

    Students rename or copy graded cells; nbgrader would then refuse the whole
    notebook. Dropping the false claim lets the real cells be restored instead.
    The last claim wins, as in nbgrader's ``DeduplicateIds``: a test cell copied
    above its answer must not run the test before the answer exists.
    """
    seen: set[str] = set()
    for cell in reversed(nb.cells):
        meta = cell.get("metadata", {})
        claim = meta.get("nbgrader")
        if claim is None:
            continue
        gid = claim.get("grade_id") if isinstance(claim, dict) else None
        if gid not in source.grade_ids or gid in seen:
            del meta["nbgrader"]
        else:
            seen.add(gid)


def _restore_deleted_tests(nb, source: SourceUnit) -> None:
    """Put back test cells a student deleted, after the cell that preceded them in the source."""
    present = {grade_id(c) for c in nb.cells}
    previous = None
    for cell in source.notebook.cells:
        gid = grade_id(cell)
        if gid in source.tests and gid not in present:
            ids = [grade_id(c) for c in nb.cells]
            at = ids.index(previous) + 1 if previous in ids else len(nb.cells)
            nb.cells.insert(at, nbformat.from_dict(dict(cell, outputs=[], execution_count=None)))
            present.add(gid)
        if gid:
            previous = gid


def plan(nb, source: SourceUnit) -> list[dict]:
    """The cells to send to the sandbox: code as written, contract tests as probe requests."""
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        gid = grade_id(cell)
        if gid in source.questions and is_test(cell):
            cells.append({"kind": "probe", "exprs": source.questions[gid].exprs, "index": index})
        else:
            cells.append({"kind": "code", "source": cell.source, "index": index})
    return cells


def apply_results(nb, cells: list[dict], result: dict, source: SourceUnit) -> list[str]:
    """Put outputs and verdicts into the notebook; returns the failed question ids."""
    failed = []
    previous: list = []  # the outputs of the code cell before a test: did it stop at the stub?
    for position, planned in enumerate(cells):
        cell = nb.cells[planned["index"]]
        record = result["cells"].get(position)
        if planned["kind"] == "probe":
            question = source.questions[grade_id(cell)]
            probes = record.get("probes") if isinstance(record, dict) else None
            passed, lines = judge(question, probes, answer_outputs=previous, lang=source.lang)
            cell.outputs = [nbformat.from_dict(o) for o in outputs(question, passed, lines, source.lang)]
            if not passed:
                failed.append(question.grade_id)
            continue
        raw = record.get("outputs", []) if isinstance(record, dict) else []
        previous = raw
        cell.outputs = [o for o in (_safe_output(x) for x in raw if isinstance(x, dict)) if o is not None]
        if record is None and is_test(cell):
            cell.outputs = [
                nbformat.from_dict(
                    {
                        "output_type": "error",
                        "ename": "NotRun",
                        "evalue": "this cell did not run",
                        "traceback": [],
                    }
                )
            ]
    for cell in nb.cells:
        if is_test(cell) and grade_id(cell) not in source.questions:
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                failed.append(grade_id(cell))
    return failed


def _safe_output(raw: dict):
    """Keep an output only if it is valid nbformat (a child's output is untrusted)."""
    try:
        out = nbformat.from_dict(raw)
        nbformat.validator.validate(out, ref="output", version=4)
        return out
    except Exception:
        return None


class Pool:
    """Idle workers, handed to one job at a time."""

    def __init__(self, count: int, warm: list[str], limits: Limits, sandboxed: bool):
        self.idle: queue.Queue[Worker] = queue.Queue()
        self.all = [Worker(i, warm, limits, sandboxed) for i in range(count)]
        for worker in self.all:
            self.idle.put(worker)

    def run(self, cells: list[dict]) -> dict:
        worker = self.idle.get()
        try:
            return worker.run(cells)
        finally:
            self.idle.put(worker)

    def close(self) -> None:
        for worker in self.all:
            worker.stop()

    def confinement(self) -> Confinement | None:
        """The weakest confinement any worker had: the one the whole batch can promise."""
        had = [w.confinement for w in self.all if w.confinement is not None]
        return next((c for c in had if c.version == "none"), had[0] if had else None)


def grade(
    unit: str,
    course_dir: Path | None = None,
    workers: int | None = None,
    force: bool = False,
    require_sandbox: bool = False,
    limits: Limits | None = None,
    progress: bool = True,
) -> Report:
    """Grade every submission of ``unit``; returns one row per student."""
    if workers is not None and workers < 1:  # before anything else: a bad option, whatever the course
        raise BadInput(say("grade.workers", workers=workers), "ailab grade", say("grade.workers_fix"))
    start = time.perf_counter()
    course = open_course(course_dir)
    require_unit(course, unit)
    editions = Editions(course, unit)
    source = editions.english
    max_score = nbgrader_api.max_score(course, unit)
    submissions.warn_overlooked(course, unit)
    found = submissions.find(course, unit)
    if not found:
        raise BadInput(say("grade.none"), str(course.submitted(unit)), say("grade.none_fix", unit=unit))
    journal = submissions.load_journal(course, unit)
    rows: dict[str, Row] = {}
    todo = []
    for sub in found:
        submissions.read(sub, unit, source.grade_ids)
        previous = journal.get(sub.student)
        if not force and previous and sub.sha256 and previous.sha256 == sub.sha256:
            rows[sub.student] = previous
        else:
            todo.append(sub)
    count = max(1, min(workers or os.cpu_count() or 1, len(todo)))
    sandboxed = sandbox_mode(require_sandbox)
    pool = Pool(count, warm_modules(source.notebook), limits or Limits(), sandboxed)
    bar = tqdm(total=len(todo), desc=f"grading {unit}", unit="nb", disable=not progress, file=sys.stderr)
    pending: dict = {}
    try:
        with ThreadPoolExecutor(count) as executor:
            for sub in todo:
                own = editions.of(sub.nb)
                nb = _begin(course, unit, sub, own, rows, max_score)
                if nb is None:
                    bar.update()
                    continue
                cells = plan(nb, own)
                pending[executor.submit(pool.run, cells)] = (sub, nb, cells, time.perf_counter(), own)
                while len(pending) >= 2 * count:
                    _drain(pending, course, unit, rows, max_score, bar)
            while pending:
                _drain(pending, course, unit, rows, max_score, bar)
    finally:
        bar.close()
        pool.close()
        ordered = with_hand_grades(course, unit, [rows[s.student] for s in found if s.student in rows])
        submissions.write_csv(course, unit, ordered)
    return Report(unit, ordered, time.perf_counter() - start, count, sandboxed, len(todo), pool.confinement())


def _begin(course, unit, sub, source, rows, max_score):
    """Register the submission and sanitise it; unusable files are scored 0 here."""
    if sub.problem is None:
        try:
            nbgrader_api.begin_submission(course, unit, sub.student, sub.folder)
            return prepare(course, unit, sub, source)
        except Exception as exc:  # a notebook nbgrader itself cannot sanitise
            sub.problem = ("invalid", say("grade.invalid", why=str(exc).splitlines()[0][:120]))
    nbgrader_api.begin_submission(course, unit, sub.student, sub.folder)
    nbgrader_api.zero_missing(course, unit, sub.student)
    status, message = sub.problem
    _record(course, unit, Row(sub.student, unit, 0.0, max_score, status, message, sub.sha256), rows)
    return None


def _drain(pending, course, unit, rows, max_score, bar) -> None:
    done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
    for future in done:
        sub, nb, cells, started, source = pending.pop(future)
        result = future.result()
        try:
            row = _finish(course, unit, source, sub, nb, cells, result, max_score)
        except Exception as exc:  # one strange notebook must not stop the class
            nbgrader_api.zero_missing(course, unit, sub.student)
            why = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            row = Row(
                sub.student, unit, 0.0, max_score, "error", f"could not record the grade: {why}", sub.sha256
            )
        row.seconds = round(time.perf_counter() - started, 2)
        _record(course, unit, row, rows)
        bar.update()


def _finish(course, unit, source, sub, nb, cells, result, max_score) -> Row:
    """Verdicts into the notebook, the notebook into autograded/, the scores into the gradebook."""
    failed = apply_results(nb, cells, result, source)
    target = course.autograded(unit, sub.student) / f"{unit}.ipynb"
    before = hand_graded_answers(target)
    submissions.write_notebook(target, sanitize.student_content(nb, source.notebook))
    unit_files.copy_beside(course, unit, target.parent)
    score, _ = nbgrader_api.save_grades(course, unit, sub.student, nb)
    now = hand_graded_answers(target)
    nbgrader_api.keep_hand_grades(course, unit, sub.student, {g for g in now if before.get(g) == now[g]})
    reason = result.get("reason", "")
    if isinstance(result.get("timeout_cell"), int) and result["timeout_cell"] < len(cells):
        reason = say(
            "grade.timeout",
            cell=cells[result["timeout_cell"]]["index"] + 1,
            seconds=f"{result.get('timeout_seconds', 0):g}",
        )
    parts = [reason] + ([say("grade.failed", questions=", ".join(failed))] if failed else []) + sub.notes
    message = "; ".join(p for p in parts if p) or say("grade.all_passed")
    status = result.get("status", "killed")
    return Row(sub.student, unit, score, max_score, status, message[:300], sub.sha256)


def hand_graded_answers(path: Path) -> dict[str, str]:
    """Grade id -> the student's answer, for cells a teacher grades by hand (an earlier autograded copy)."""
    if not path.is_file():
        return {}
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # an unreadable earlier copy just means "changed"
        return {}
    return {grade_id(c): c.source for c in nb.cells if is_hand_graded(c)}


def with_hand_grades(course: Course, unit: str, rows: list[Row]) -> list[Row]:
    """Rows carrying the gradebook's truth: totals with hand grades, and what still awaits one."""
    truth = nbgrader_api.hand_grading(course, unit)
    for row in rows:
        if row.student_id in truth:
            total, awaiting = truth[row.student_id]
            row.score = total
            row.hand_grading = say("grade.awaiting", cells=", ".join(awaiting)) if awaiting else ""
    return rows


def _record(course, unit, row, rows) -> None:
    submissions.append_journal(course, unit, row)
    rows[row.student_id] = row


STUDENT_COLUMNS = ("student", "score", "status", "hand", "message")
SUMMARY_COLUMNS = (
    *("unit", "students", "graded_now", "mean", "by_status"),
    *("awaiting", "workers", "sandbox", "limits", "seconds"),
)


def status_word(status: str) -> str:
    """A status in the instructor's language (unknown ones as they are)."""
    try:
        return say(f"status.{status}")
    except KeyError:
        return status


def summary_table(report: Report) -> str:
    """The table ``ailab grade`` prints at the end, in the instructor's language."""
    rows = report.rows
    by_status: dict[str, int] = {}
    for row in rows:
        by_status[row.status] = by_status.get(row.status, 0) + 1
    mean = sum(r.score for r in rows) / len(rows) if rows else 0.0
    top = rows[0].max_score if rows else 0.0
    students = [
        [r.student_id, f"{r.score:g}/{r.max_score:g}", status_word(r.status), r.hand_grading, r.message]
        for r in rows
    ]
    totals = [
        report.unit,
        len(rows),
        report.graded_now,
        f"{mean:.2f}/{top:g}",
        ", ".join(f"{status_word(k)} {v}" for k, v in sorted(by_status.items())),
        sum(1 for r in rows if r.hand_grading),
        report.workers,
        say("table.bubblewrap") if report.sandboxed else say("table.no_sandbox"),
        report.confinement.describe() if report.confinement else "–",
        f"{report.seconds:.1f}",
    ]
    return "\n".join(
        [
            syllabus.table([say(f"table.{h}") for h in STUDENT_COLUMNS], students),
            "",
            syllabus.table([say(f"table.{h}") for h in SUMMARY_COLUMNS], [totals]),
        ]
    )
