"""Read the ``check(...)`` calls of a test cell as data, without running them.

The grader trusts only what it parses here from the instructor's source
notebook; the probe specs are literals, so ``ast.literal_eval`` suffices.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .. import syntax


@dataclass(frozen=True)
class CheckCall:
    question: str
    probes: tuple[dict, ...]
    hidden: bool


def parse(source: str) -> list[CheckCall] | None:
    """The cell's check calls, or ``None`` if it is not a pure check cell."""
    try:
        tree = syntax.parse(source)
    except SyntaxError:
        return None
    calls = []
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and _imports_grader(node):
            continue
        call = node.value if isinstance(node, ast.Expr) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            return None
        if call.func.id != "check" or len(call.args) != 2:
            return None
        try:
            question = ast.literal_eval(call.args[0])
            probes = ast.literal_eval(call.args[1])
            options = {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
        except ValueError:
            return None
        if set(options) - {"hidden"} or not isinstance(question, str):
            return None
        if not isinstance(probes, list):
            return None
        calls.append(CheckCall(question, tuple(probes), bool(options.get("hidden", False))))
    return calls or None


def _imports_grader(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] == "grader"
    return all(alias.name.split(".")[0] == "grader" for alias in node.names)
