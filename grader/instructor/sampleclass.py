"""A sample class for a unit, derived from its source notebook.

Each answer cell's solution and ``wrong_answer`` (in its metadata) give the
honest submissions; a few hostile ones show what the grader withstands.
``make demo`` grades these, and the tests check their expected scores.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from ..authoring import units
from ..authoring.units import ailab_meta, grade_id, is_solution, nbgrader_meta
from ..course import open_course, require_unit
from ..i18n import sources

SAMPLES = ("correct", "partial", "empty", "wrong", "tamper", "looper")


def _answers(source_nb, choose) -> dict[str, str]:
    """grade id -> answer text, for the answer cells ``choose(position, cell)`` says to fill."""
    out = {}
    position = 0
    for cell in source_nb.cells:
        if not (is_solution(cell) and grade_id(cell)):
            continue
        mode = choose(position, cell)
        position += 1
        if mode == "solution":
            out[grade_id(cell)] = units.with_answer(cell.source, None)
        elif mode == "wrong" and cell.cell_type == "code":
            out[grade_id(cell)] = units.with_answer(cell.source, ailab_meta(cell)["wrong_answer"])
    return out


def _fill(release_nb, answers: dict[str, str]):
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nb


def samples(unit: units.Unit, release_nb) -> dict[str, object]:
    """Every sample submission of ``unit``, keyed by its kind."""
    source = unit.notebook
    n_answers = sum(1 for c in source.cells if is_solution(c) and grade_id(c))
    correct = _fill(release_nb, _answers(source, lambda i, c: "solution"))
    partial = _fill(release_nb, _answers(source, lambda i, c: "solution" if i < n_answers // 2 else None))
    wrong = _fill(release_nb, _answers(source, lambda i, c: "wrong" if c.cell_type == "code" else None))
    tamper = copy.deepcopy(release_nb)
    for cell in tamper.cells:
        if units.is_test(cell):
            cell.source = "pass  # the tests were removed"
    tamper.cells.insert(
        1,
        nbformat.v4.new_code_cell(
            "import grader\n"
            "grader.check = lambda *args, **kwargs: print('all checks passed')\n"
            "check = grader.check\n"
            "class Always(int):\n"
            "    def __eq__(self, other):\n"
            "        return True\n"
            "import builtins\n"
            "builtins.AssertionError = Exception"
        ),
    )
    looper = copy.deepcopy(correct)
    first_test = next(i for i, c in enumerate(looper.cells) if units.is_test(c))
    looper.cells.insert(first_test, nbformat.v4.new_code_cell("while True:\n    pass"))
    return {
        "correct": correct,
        "partial": partial,
        "empty": copy.deepcopy(release_nb),
        "wrong": wrong,
        "tamper": tamper,
        "looper": looper,
    }


def expected_auto_scores(unit: units.Unit) -> dict[str, float]:
    """What each honest sample should score automatically (reflections await a human)."""
    tests = [c for c in unit.notebook.cells if units.is_test(c)]
    total = sum(float(nbgrader_meta(c)["points"]) for c in tests)
    return {"correct": total, "empty": 0.0, "wrong": 0.0, "tamper": 0.0, "looper": total}


def write_sample_class(unit_id: str, course_dir: Path | None = None, lang: str = "en") -> list[str]:
    """Write the sample class into ``submitted/sample-<kind>/<unit>/`` (``sample-zh-<kind>`` in Chinese).

    The students work in the language's own student version, so English and
    Chinese samples sit side by side in one class and are graded together.
    """
    course = open_course(course_dir)
    require_unit(course, unit_id)
    unit = sources.translated_unit(units.get(unit_id), lang)
    release_dir = course.edition(unit_id, lang, "release")
    if not release_dir.is_dir():
        release_dir = course.release(unit_id)
    release = nbformat.read(release_dir / f"{unit_id}.ipynb", as_version=4)
    prefix = "sample-" if lang == "en" else f"sample-{lang.split('_')[0]}-"
    students = []
    for kind, nb in samples(unit, release).items():
        student = f"{prefix}{kind}"
        folder = course.submitted(unit_id, student)
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{unit_id}.ipynb")
        (folder / "timestamp.txt").write_text("2026-09-01 08:00:00.000000 UTC")
        students.append(student)
    return students
