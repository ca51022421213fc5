"""What validate learns by running a unit: near-miss verdicts, steady probes, quoted numbers.

Each test runs a two-question unit small enough to execute in a few seconds,
so every rule is shown failing on exactly the defect it exists for.
"""

from __future__ import annotations

import json

import nbformat
import pytest

from grader import paths
from grader.authoring import units, validate

SETUP = "import random\nfrom grader import check"
Q1_ANSWER = "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"
Q2_ANSWER = "def total(xs):\n    ### BEGIN SOLUTION\n    return sum(xs)\n    ### END SOLUTION"


def _test(question, public, hidden):
    return (
        f"check({question!r}, {public!r})\n### BEGIN HIDDEN TESTS\n"
        f"check({question!r}, {hidden!r}, hidden=True)\n### END HIDDEN TESTS"
    )


def _cell(kind, source, gid=None, ailab=None, **nbgrader):
    cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(source)
    if gid:
        cell.metadata["nbgrader"] = {"grade_id": gid, "locked": False, "schema_version": 3, **nbgrader}
    if ailab:
        cell.metadata["ailab"] = ailab
    return cell


def make_unit(tmp_path, monkeypatch, q1_misses, q1_public, q2_probes=None, quote=None, meta_quotes=()):
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    nb = nbformat.v4.new_notebook()
    nb.metadata["ailab"] = {"id": "xx-t1", "quotes": list(meta_quotes)}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    q2_probes = q2_probes or [{"expr": "total([1, 2])", "equals": 3}]
    nb.cells = [
        _cell("code", SETUP),
        _cell("code", Q1_ANSWER, "q1-answer", {"near_misses": q1_misses}, solution=True, grade=False),
        _cell(
            "code",
            _test("q1", q1_public, [{"expr": "double(-3)", "equals": -6}]),
            "q1",
            {},
            grade=True,
            solution=False,
            points=1,
        ),
        _cell(
            "markdown",
            quote[0] if quote else "No numbers here.",
            ailab={"quotes": [quote[1]]} if quote else {},
        ),
        _cell(
            "code",
            Q2_ANSWER,
            "q2-answer",
            {"near_misses": [{"answer": "return 0", "expect": "fail", "why": "x"}]},
            solution=True,
            grade=False,
        ),
        _cell(
            "code",
            _test("q2", q2_probes[:1], q2_probes[1:] or [{"expr": "total([4, 5])", "equals": 9}]),
            "q2",
            {},
            grade=True,
            solution=False,
            points=1,
        ),
    ]
    path = tmp_path / "xx-t1.ipynb"
    nbformat.write(nb, path)
    return units.Unit(path)


def lines(unit):
    return [str(p) for p in validate.execution_problems(unit)[0]]


HONEST = [{"expr": "double(2)", "equals": 4}, {"expr": "double(0.5)", "equals": 1.0}]


def test_an_honest_unit_has_no_problems(tmp_path, monkeypatch):
    misses = [
        {"answer": "return x + x", "expect": "pass", "why": "the same, another way"},
        {"answer": "return x * x", "expect": "fail", "why": "squares instead"},
    ]
    quote = ("Doubling 0.25 gives 0.5.", {"text": "0.5", "expr": "double(0.25)"})
    unit = make_unit(
        tmp_path, monkeypatch, misses, HONEST, quote=quote, meta_quotes=[{"text": "4", "expr": "double(2)"}]
    )
    assert lines(unit) == []


def test_a_public_check_that_passes_what_the_hidden_ones_reject_is_refused(tmp_path, monkeypatch):
    misses = [{"answer": "return abs(2 * x)", "expect": "fail", "why": "loses the sign"}]
    found = lines(make_unit(tmp_path, monkeypatch, misses, HONEST))  # public inputs are all positive
    assert any(
        "q1" in ln and "public checks pass, hidden checks fail" in ln and "never pass" in ln for ln in found
    ), found


def test_a_right_answer_that_the_checks_reject_is_refused(tmp_path, monkeypatch):
    misses = [
        {"answer": "return float(2 * x)", "expect": "pass", "why": "returns a float"},
        {"answer": "return x", "expect": "fail", "why": "forgets to double"},
    ]
    public = [{"expr": "double(2)", "equals": 4}]  # an int is demanded: 4.0 fails
    found = lines(make_unit(tmp_path, monkeypatch, misses, public))
    assert any("expected to pass, but public checks fail" in ln for ln in found), found


def test_a_probe_that_changes_between_two_calls_is_refused(tmp_path, monkeypatch):
    misses = [{"answer": "return x", "expect": "fail", "why": "forgets to double"}]
    public = HONEST + [{"expr": "double(random.random())", "between": [0, 2]}]
    found = lines(make_unit(tmp_path, monkeypatch, misses, public))
    assert any("different value when evaluated twice" in ln and "seed" in ln for ln in found), found


@pytest.mark.parametrize("where", ["cell", "metadata"])
def test_a_quoted_number_that_the_run_does_not_give_is_refused(tmp_path, monkeypatch, where):
    misses = [{"answer": "return x", "expect": "fail", "why": "forgets to double"}]
    wrong = {"text": "0.6", "expr": "double(0.25)"}
    kwargs = {"quote": ("It gives 0.6.", wrong)} if where == "cell" else {"meta_quotes": [wrong]}
    found = lines(make_unit(tmp_path, monkeypatch, misses, HONEST, **kwargs))
    assert any("says '0.6' but the run gives '0.5'" in ln for ln in found), found


def test_a_question_that_fails_when_another_answer_is_wrong_is_refused(tmp_path, monkeypatch):
    """Caught statically first (dataflow); the run catches it too where q2 keeps its solution."""
    misses = [
        {"answer": "return x", "expect": "fail", "why": "forgets to double"},
        {"answer": "return x + 2", "expect": "fail", "why": "adds two"},
    ]
    dependent = [{"expr": "total([double(1), 1])", "equals": 3}, {"expr": "total([double(5)])", "equals": 10}]
    found = lines(make_unit(tmp_path, monkeypatch, misses, HONEST, q2_probes=dependent))
    assert any("q2" in ln and "fails while its own answer is right" in ln for ln in found), found


def test_the_solution_failing_its_own_probe_is_named(tmp_path, monkeypatch):
    misses = [{"answer": "return x", "expect": "fail", "why": "forgets to double"}]
    found = lines(make_unit(tmp_path, monkeypatch, misses, [{"expr": "double(2)", "equals": 5}]))
    assert any("the solution fails probe 'double(2)'" in ln for ln in found), found
    assert json.loads((tmp_path / "build" / "validate-cache" / "xx-t1.json").read_text())["problems"]
