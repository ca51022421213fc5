"""One batch per unit: its sample class plus over 40 hostile and broken submissions.

It runs on ic-t1 and on ce-t1, one unit of each strand with a different kind of
answer (functions on images; counts, probabilities and lists of words).

No batch aborts, no undeserved point and no deserved one lost, every student
gets a clear status and cause, and nothing escapes the sandbox. The batch
requires bubblewrap: without it the fixture fails (CI installs it), because
these tests mean nothing unsandboxed.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import threading
import uuid
from pathlib import Path

import nbformat
import pytest

from grader import paths
from grader.authoring import units
from grader.grading.grade import grade
from grader.grading.sandbox import SANDBOX_ENV, Limits
from grader.instructor import sampleclass
from grader.messages import say
from grader.paths import Course
from tests.helpers import FIXTURES, release_nb, submit

from .hostile import LEAK, SLEEPER, build, written_outside

UNITS = ("ic-t1", "ce-t1")
# ic-t1 peaks near 220 MiB: 1 GiB leaves room, and a memory bomb reaches it fast even on a busy machine
LIMITS = Limits(cell_timeout=8, notebook_timeout=90, memory_bytes=1 << 30)
GRADING_WRITES = {"student", "submitted_assignment", "submitted_notebook", "grade", "comment"}


class Listener:
    """A loopback server that counts connections, to prove the sandbox has no network."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


def gradebook_tables(course: Course) -> dict[str, list[dict]]:
    """Every row of every table of the course's SQLite gradebook."""
    db = sqlite3.connect(f"file:{course.gradebook}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        names = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {n: sorted((dict(r) for r in db.execute(f'SELECT * FROM "{n}"')), key=repr) for n in names}
    finally:
        db.close()


@pytest.fixture(scope="module", params=UNITS)
def batch(request, released, tmp_path_factory):
    UNIT = request.param
    course = Course(tmp_path_factory.mktemp("hostile") / "course")
    shutil.copytree(released.root, course.root)
    unit = units.get(UNIT)
    release = release_nb(course, UNIT)
    samples = sampleclass.samples(unit, release)
    listener = Listener()
    where = {
        "repo": paths.REPO,
        "course": course.root,
        "home": Path.home(),
        "port": listener.port,
        "plain": FIXTURES / "plain" / "plain.ipynb",
        "token": uuid.uuid4().hex[:12],
    }
    cases = build(unit, release, samples, where, LIMITS)
    for kind, nb in samples.items():
        submit(course, UNIT, f"sample-{kind}", nb)
    for student, case in cases.items():
        submit(course, UNIT, student, case.submission)
    before = gradebook_tables(course)
    try:
        report = grade(UNIT, course.root, workers=2, require_sandbox=True, limits=LIMITS, progress=False)
    finally:
        listener.close()
    yield {
        "unit": UNIT,
        "course": course,
        "where": where,
        "report": report,
        "cases": cases,
        "scores": sampleclass.expected_auto_scores(unit),
        "listener": listener,
        "rows": {r.student_id: r for r in report.rows},
        "gradebook_before": before,
        "gradebook_after": gradebook_tables(course),
        "students": [f"sample-{kind}" for kind in samples] + list(cases),
    }
    for path in written_outside(where):  # what a failed test found: never left in the repository
        path.unlink(missing_ok=True)


def _graded_nb(batch, student):
    """The graded copy of a student's notebook; it must exist (an absent one would hide a leak)."""
    unit, course = batch["unit"], batch["course"]
    path = course.autograded(unit, student) / f"{unit}.ipynb"
    assert path.is_file(), f"{student}: no graded notebook at {path}"
    return nbformat.read(path, as_version=4)


def _outputs_text(batch, student) -> str:
    parts = []
    for cell in _graded_nb(batch, student).cells:
        for out in cell.get("outputs", []):
            parts += [
                out.get("text", ""),
                out.get("ename", ""),
                out.get("evalue", ""),
                str(out.get("data", {}).get("text/plain", "")),
            ]
    return "\n".join(parts)


def _failures(message: str) -> str | None:
    """The "failed q1, q2" part of a grades.csv message, if any."""
    prefix = say("grade.failed", questions="")
    return next((part for part in message.split("; ") if part.startswith(prefix)), None)


def _test_cells(nb) -> list[tuple]:
    """(grade id, source, points) of each test cell, in order."""
    tests = [c for c in nb.cells if units.is_test(c)]
    return [(units.grade_id(c), c.source, c.metadata.nbgrader.get("points")) for c in tests]


def test_grading_ran_in_bubblewrap(batch):
    assert batch["report"].sandboxed is True


def test_the_batch_has_at_least_25_hostile_cases_and_grades_everyone(batch):
    assert len(batch["cases"]) >= 25
    assert sorted(batch["rows"]) == sorted(batch["students"])


@pytest.mark.parametrize("kind", ["correct", "looper"])
def test_honest_work_in_the_same_batch_gets_full_marks(batch, kind):
    row = batch["rows"][f"sample-{kind}"]
    assert row.score == batch["scores"]["correct"], row


def test_partial_and_wrong_and_tampered_samples(batch):
    rows = batch["rows"]
    assert 0 < rows["sample-partial"].score < batch["scores"]["correct"]
    assert rows["sample-empty"].score == 0
    assert rows["sample-wrong"].score == 0
    assert rows["sample-tamper"].score == 0


def test_every_hostile_case_gets_exactly_its_expected_score_and_status(batch):
    wrong = {}
    for student, case in batch["cases"].items():
        row = batch["rows"][student]
        if (row.score, row.status) != (batch["scores"][case.base], case.status):
            wrong[student] = (row.score, row.status, row.message)
    assert not wrong


def test_every_hostile_case_names_its_cause_and_nothing_else(batch):
    """The message names the cause; otherwise the attack left no mark, so it reads as its base sample's."""
    rows, wrong = batch["rows"], {}
    for student, case in batch["cases"].items():
        message = rows[student].message
        base = rows[f"sample-{case.base}"].message
        if case.cause is not None and case.cause not in message:
            wrong[student] = message
        elif case.cause is None and message != base:
            wrong[student] = message
        elif case.ran and _failures(message) != _failures(base):
            wrong[student] = message
    assert not wrong


def test_every_attack_shows_it_ran_and_what_stopped_it(batch):
    """An attack that never ran (a typo, a missing command) would pass every other test."""
    wrong = {}
    for student, case in batch["cases"].items():
        if not (case.blocked or case.shows):
            continue
        text = _outputs_text(batch, student)
        blocked = sum(1 for line in text.splitlines() if line.startswith("blocked "))
        if blocked != case.blocked or (case.shows and case.shows not in text):
            wrong[student] = (blocked, text[-500:])
    assert not wrong


def test_tampered_test_cells_are_graded_as_the_instructor_wrote_them(batch):
    """Each test once, in order, with the source and points of the instructor's notebook, hidden tests too."""
    course, unit = batch["course"], batch["unit"]
    want = _test_cells(nbformat.read(course.source(unit) / f"{unit}.ipynb", as_version=4))
    source = units.get(unit).notebook
    assert [gid for gid, _, _ in want] == [units.grade_id(c) for c in source.cells if units.is_test(c)]
    assert all("BEGIN HIDDEN TESTS" in src for _, src, _ in want)
    assert _test_cells(_graded_nb(batch, "sample-correct")) == want
    wrong = {}
    for student, case in batch["cases"].items():
        if case.tampered and _test_cells(_graded_nb(batch, student)) != want:
            wrong[student] = [gid for gid, _, _ in _test_cells(_graded_nb(batch, student))]
    assert not wrong


def test_nothing_leaks_out_of_the_sandbox(batch):
    for student, case in batch["cases"].items():
        if case.ran:
            assert LEAK not in _outputs_text(batch, student), student
    assert batch["listener"].connections == 0
    assert not [path for path in written_outside(batch["where"]) if path.exists()]


def test_student_code_does_not_change_the_gradebook(batch):
    """Grading only adds students, submissions and automatic grades; nothing else changes."""
    before, after = batch["gradebook_before"], batch["gradebook_after"]
    assert set(after) == set(before)
    for table in set(before) - GRADING_WRITES:
        assert after[table] == before[table], table
    students = {s["id"] for s in before["student"]} | set(batch["students"])
    assert {s["id"] for s in after["student"]} == students
    grades = after["grade"]
    assert grades and all(g["manual_score"] is None and g["extra_credit"] is None for g in grades)


def test_the_sandbox_environment_shows_no_grading_variables(batch):
    text = _outputs_text(batch, "h-env-detect")
    env_line = next(line for line in text.splitlines() if line.startswith("ENV "))
    shown = set(json.loads(env_line[4:]))
    set_by_libraries = {k for k in shown if k.startswith("KMP_")}  # OpenMP runtimes set these on import
    assert shown - set_by_libraries <= set(SANDBOX_ENV) | {"AILAB_DATASETS", "PWD"}, shown


def test_no_process_outlives_the_batch(batch):
    leftover = subprocess.run(["pgrep", "-f", SLEEPER], capture_output=True, text=True).stdout
    assert leftover.strip() == ""
