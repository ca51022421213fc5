"""The privacy numbers the data-privacy units teach, checked against independent computations.

The units' own checks compare a student's answer with the solution; these tests
check the solution itself: its functions (taken from the source notebooks, the
solution kept) against python-stdnum, closed forms, OpenDP and an RDP
accountant written here from the formulas, and its quoted numbers against the
same computations.
"""

from __future__ import annotations

import ast
import math
import re
from collections import Counter

import numpy as np
import pytest

from grader import datasets
from grader.authoring import units


def definitions(unit_id: str) -> dict:
    """The unit's imports, UPPER_CASE constants, functions and classes, run without the rest of the notebook."""
    keep = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)
    namespace: dict = {}
    for cell in units.get(unit_id).notebook.cells:
        if cell.cell_type != "code" or units.is_test(cell):
            continue
        source = units.with_answer(cell.source, None)
        try:
            tree = ast.parse(source)
        except SyntaxError:  # IPython magics; the units keep definitions out of such cells
            continue
        for node in tree.body:
            constant = isinstance(node, ast.Assign) and all(
                isinstance(t, ast.Name) and t.id.isupper() for t in node.targets
            )
            if isinstance(node, keep) or constant:
                exec(compile(ast.Module([node], []), unit_id, "exec"), namespace)  # noqa: S102
    return namespace


def quoted(unit_id: str, name: str) -> list[str]:
    """The words a unit quotes for expressions that use ``name`` (validate keeps them equal to the run)."""
    unit = units.get(unit_id)
    quotes = list(unit.meta.get("quotes", []))
    for cell in unit.notebook.cells:
        quotes += units.ailab_meta(cell).get("quotes", [])
    found = [q["text"] for q in quotes if re.search(rf"\b{re.escape(name)}\b", q.get("expr", ""))]
    assert found, f"{unit_id} quotes nothing computed from {name}"
    return found


def number_in(text: str) -> float:
    return float(re.search(r"-?\d+(?:\.\d+)?", text.replace(",", ""))[0])
