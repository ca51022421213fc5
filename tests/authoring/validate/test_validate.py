"""``ailab validate`` accepts every real unit and names each kind of broken one."""

from __future__ import annotations

import ast
import copy
import re
import shutil

import nbformat
import pytest

from grader import paths
from grader.authoring import dataflow, units, validate
from grader.authoring.units import grade_id
from tests.helpers import scratch_unit


@pytest.mark.timeout(2400)  # every unit cold: solutions, near misses, translations (~15 min, 2 cores)
def test_every_unit_in_the_repository_is_valid():
    assert validate.validate() == []


@pytest.fixture
def broken(tmp_path, monkeypatch):
    """A copy of ic-t1 in a scratch notebooks folder; mutate it, then validate statically."""
    path = scratch_unit(tmp_path, monkeypatch) / "ic-t1.ipynb"

    def problems(mutate):
        nb = nbformat.read(path, as_version=4)
        mutate(nb)
        nbformat.write(nb, path)
        unit = units.load(path)
        return [str(p) for p in validate.static_problems(unit, {"ic-t1"})]

    return problems


def _cell(nb, gid):
    return next(c for c in nb.cells if grade_id(c) == gid)


CASES = {
    "duplicate grade id": (lambda nb: _cell(nb, "q2").metadata.nbgrader.update(grade_id="q1"), "also used"),
    "undeclared objective": (
        lambda nb: _cell(nb, "q1").metadata.ailab.update(objectives=["O9"]),
        "undeclared objective",
    ),
    "objective never assessed": (
        lambda nb: nb.metadata.ailab["objectives"].append(
            {
                "id": "O7",
                "text": "Explain something nobody tests.",
                "ai4k12": ["3-A"],
                "stage_goals": ["all:ethics-privacy"],
            }
        ),
        "not assessed",
    ),
    "zero points": (lambda nb: _cell(nb, "q1").metadata.nbgrader.update(points=0), "no points"),
    "no hidden probes": (
        lambda nb: setattr(
            _cell(nb, "q1"), "source", _cell(nb, "q1").source.split("### BEGIN HIDDEN TESTS")[0]
        ),
        "public and hidden",
    ),
    "test cell with asserts": (
        lambda nb: setattr(_cell(nb, "q4"), "source", "assert accuracy([1], [1]) == 1"),
        "not made only of check",
    ),
    "unknown probe key": (
        lambda nb: setattr(
            _cell(nb, "q4"), "source", _cell(nb, "q4").source.replace('"equals"', '"equal"', 1)
        ),
        "unknown keys",
    ),
    "lesson plan too long": (lambda nb: nb.metadata.ailab["lesson_plan"][0].update(minutes=30), "adds up to"),
    "a hook in the middle of a period": (
        lambda nb: next(
            s for s in nb.metadata.ailab["lesson_plan"] if s["period"] == 2 and s is not _opener(nb, 2)
        ).update(phase="hook"),
        "phases must run",
    ),
    "unknown AI4K12 code": (lambda nb: nb.metadata.ailab["objectives"][0].update(ai4k12=["4-E"]), "AI4K12"),
    "stored outputs": (
        lambda nb: nb.cells[1].update(outputs=[nbformat.v4.new_output("stream", text="x")]),
        "stored outputs",
    ),
    "missing figure": (
        lambda nb: nb.cells.append(nbformat.v4.new_markdown_cell("![x](assets/none.png)")),
        "does not exist",
    ),
    "rubric top below points": (lambda nb: _cell(nb, "r1").metadata.nbgrader.update(points=9), "rubric"),
    "no wrong answer": (lambda nb: _cell(nb, "q1-answer").metadata.pop("ailab"), "wrong_answer"),
    "too few near misses": (
        lambda nb: _cell(nb, "q2-answer").metadata.ailab.update(near_misses=[]),
        "fewer than 2 near misses",
    ),
    "answer not named after its question": (
        lambda nb: _cell(nb, "q1-answer").metadata.nbgrader.update(grade_id="q1-reply"),
        "not named after its question",
    ),
    "transcription only": (
        lambda nb: [c.metadata.get("ailab", {}).pop("understanding", None) for c in nb.cells],
        "marked as needing understanding",
    ),
    "prompt without an id": (
        lambda nb: nb.cells.append(nbformat.v4.new_markdown_cell("**Think:** why would it fail?")),
        "discussion prompt without an id",
    ),
    "prompt without an answer": (
        lambda nb: nb.cells.append(
            nbformat.v4.new_markdown_cell(
                "**Talk to a partner:** who pays?", metadata={"ailab": {"prompts": ["who"]}}
            )
        ),
        "prompt 'who' has no answer",
    ),
    "number without a source": (
        lambda nb: nb.cells.append(nbformat.v4.new_markdown_cell("It now reads 97.3 % of the digits.")),
        "quotes '97.3 %' with no source",
    ),
    "quote not in the text": (
        lambda nb: nb.cells.append(
            nbformat.v4.new_markdown_cell(
                "No numbers.", metadata={"ailab": {"quotes": [{"text": "0.5", "fixed": "x y"}]}}
            )
        ),
        "is not in the cell's text",
    ),
    "number in the summary without a source": (
        lambda nb: nb.metadata.ailab.update(
            summary="Students build a classifier that reads 99.9 % of digits."
        ),
        "metadata summary",
    ),
    "probe reading another answer": (lambda nb: _lean_on_q1(nb), "depends on q1's answer"),
    "a dataset downloaded at run time": (
        lambda nb: nb.cells.append(
            nbformat.v4.new_code_cell("data = torchvision.datasets.MNIST('.', download=True)")
        ),
        "would use the network at run time ('download=True')",
    ),
    "a model from a hub": (
        lambda nb: nb.cells.append(
            nbformat.v4.new_code_cell("model = AutoModel.from_pretrained('bert-base-chinese')")
        ),
        "would use the network at run time",
    ),
    "a file fetched by URL": (
        lambda nb: nb.cells.append(
            nbformat.v4.new_code_cell("urllib.request.urlretrieve('https://example.org/poems.txt', 'p.txt')")
        ),
        "would use the network at run time",
    ),
}


def _opener(nb, period):
    return next(s for s in nb.metadata.ailab["lesson_plan"] if s["period"] == period)


def test_a_later_period_may_open_with_a_hook(broken):
    assert not [p for p in broken(lambda nb: _opener(nb, 2).update(phase="hook")) if "phases" in p]


def _lean_on_q1(nb):
    """Add to q2's public probes one that reads a name the q1 answer cell binds."""
    bound, _, _ = dataflow.binds(ast.parse(_cell(nb, "q1-answer").source))
    probe = f'{{"expr": "{sorted(bound)[0]} is not None", "equals": True}},'
    q2 = _cell(nb, "q2")
    q2.source = re.sub(r'check\(\s*"q2",\s*\[', lambda m: m.group(0) + probe, q2.source, count=1)
    assert probe in q2.source


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_broken_unit_gets_a_line_saying_where_and_how_to_fix(broken, case):
    mutate, words = CASES[case]
    found = broken(mutate)
    assert any(words in line for line in found), found
    assert all(line.startswith("ic-t1 ") and ". " in line for line in found)


def test_schema_errors_name_the_field(broken):
    from grader.errors import UnitProblem

    with pytest.raises(UnitProblem, match="metadata tier"):
        broken(lambda nb: nb.metadata.ailab.update(tier="T9"))


def test_student_version_that_passes_a_test_is_caught(tmp_path, monkeypatch):
    unit = units.get("ic-t1")
    nb = copy.deepcopy(unit.notebook)
    answer = next(c for c in nb.cells if grade_id(c) == "q4-answer")
    answer.source = re.sub(r"[ \t]*### (BEGIN|END) SOLUTION\n", "", answer.source)
    answer.metadata.nbgrader["solution"] = False  # an author forgot to mark the answer
    folder = tmp_path / "notebooks" / "image-classifiers" / "ic-t1"
    shutil.copytree(unit.folder, folder)
    nbformat.write(nb, folder / "ic-t1.ipynb")
    monkeypatch.setattr(paths, "NOTEBOOKS", tmp_path / "notebooks")
    found = [str(p) for p in validate._release_problems(units.load(folder / "ic-t1.ipynb"))]
    assert any("q4" in line and "passes in the student version" in line for line in found), found
