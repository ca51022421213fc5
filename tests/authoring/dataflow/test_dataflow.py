"""Which probes read another question's answer: the static half of "one mistake costs once"."""

from __future__ import annotations

import nbformat

from grader.authoring import dataflow


def _nb(*cells):
    """Cells as (grade id or None, source); ids ending in -answer are answers, qN are test cells."""
    nb = nbformat.v4.new_notebook()
    for gid, source in cells:
        cell = nbformat.v4.new_code_cell(source)
        if gid:
            test = not gid.endswith("-answer")
            cell.metadata["nbgrader"] = {"grade_id": gid, "grade": test, "solution": not test, "points": 1}
        nb.cells.append(cell)
    return nb


def _deps(nb, probes):
    at = {
        i: (c.metadata.nbgrader["grade_id"], probes[c.metadata.nbgrader["grade_id"]])
        for i, c in enumerate(nb.cells)
        if c.metadata.get("nbgrader", {}).get("grade") and c.metadata.nbgrader["grade_id"] in probes
    }
    return {(d.question, d.origin.question, d.name) for d in dataflow.dependencies(nb, at)}


def test_a_probe_reading_a_model_trained_with_another_answer_is_found():
    nb = _nb(
        (None, "import torch\nX = torch.zeros(3)"),
        ("q1-answer", "def make_model(h):\n    return h * 2"),
        ("q1", ""),
        (None, "def fit(data):\n    return make_model(4) + data\nmodel = fit(X)"),
        ("q2-answer", "def predict(m, x):\n    return m + x"),
        ("q2", ""),
    )
    found = _deps(nb, {"q1": ["make_model(3)"], "q2": ["predict(model, 1)", "predict(10, X)"]})
    assert found == {("q2", "q1", "model")}


def test_reference_objects_and_own_answers_are_allowed():
    nb = _nb(
        ("q1-answer", "def double(x):\n    return 2 * x"),
        ("q1", ""),
        (None, "reference = [1, 2, 3]"),
        ("q2-answer", "def total(xs):\n    return sum(xs)"),
        ("q2", ""),
    )
    assert (
        _deps(nb, {"q1": ["double(4)"], "q2": ["total(reference)", "total([double for double in (1, 2)])"]})
        == set()
    )


def test_parameters_and_comprehension_variables_are_not_the_globals_of_the_same_name():
    nb = _nb(
        ("q1-answer", "model = 'student'"),
        ("q1", ""),
        ("q2-answer", "def run(model):\n    return [p for p in model]"),
        ("q2", ""),
    )
    assert _deps(nb, {"q2": ["run([1])", "sum(p for p in run([2]))"]}) == set()


def test_an_answer_function_that_calls_another_answer_depends_on_it():
    nb = _nb(
        ("q1-answer", "def step(x):\n    return x + 1"),
        ("q1", ""),
        ("q2-answer", "def steps(x, n):\n    for _ in range(n):\n        x = step(x)\n    return x"),
        ("q2", ""),
    )
    assert _deps(nb, {"q2": ["steps(0, 3)"]}) == {("q2", "q1", "steps")}


def test_rebinding_a_name_with_clean_code_cuts_the_dependency_and_mutation_keeps_it():
    nb = _nb(
        ("q1-answer", "def f():\n    return 1"),
        ("q1", ""),
        (None, "ax = f()\nax = 5\nlog = []\nlog.append(f())"),
        ("q2-answer", "def g(v):\n    return v"),
        ("q2", ""),
    )
    assert _deps(nb, {"q2": ["g(ax)", "g(log)"]}) == {("q2", "q1", "log")}


def test_magics_do_not_stop_the_analysis():
    nb = _nb(
        (None, "%matplotlib inline\nimport numpy as np"),
        ("q1-answer", "value = np.ones(2)"),
        ("q1", ""),
        (None, "derived = value * 2"),
        ("q2-answer", "other = 1"),
        ("q2", ""),
    )
    assert _deps(nb, {"q2": ["derived", "np.zeros(1)"]}) == {("q2", "q1", "derived")}
