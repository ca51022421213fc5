"""Which question's answer does each name in a unit depend on?

One wrong answer must cost points once. So a probe of ``q5`` may not read a
name computed from ``q4``'s answer: a student who missed q4 would lose q5 too.
This follows names statically, cell by cell, from each ``qN-answer`` cell
through every cell that reads them (function bodies included), so the rule is
checked without running the notebook once per question.

It over-approximates on purpose: a cell that reads a dependent name makes
everything it binds or mutates dependent. Split the cell if that is wrong.
"""

from __future__ import annotations

import ast
import builtins
import symtable
from dataclasses import dataclass

from IPython.core.inputtransformer2 import TransformerManager

from .. import syntax
from .units import grade_id, is_test

BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Origin:
    """Why a name depends on a question: the cell that bound it, and the name it read there."""

    question: str
    cell: int  # 0-based
    via: str | None  # the dependent name the cell read; None in the answer cell itself


@dataclass(frozen=True)
class Dependency:
    question: str  # the question whose probe is affected
    expr: str
    name: str  # what the probe reads
    origin: Origin


def answer_question(cell) -> str | None:
    """``q4`` for the answer cell ``q4-answer``."""
    gid = grade_id(cell) or ""
    return gid[: -len("-answer")] if gid.endswith("-answer") else None


def _python(source: str) -> str | None:
    """The cell as plain Python (IPython magics turned into calls), or None if it does not parse."""
    python = TransformerManager().transform_cell(source)
    try:
        syntax.parse(python)
    except SyntaxError:
        return None
    return python


def reads(code: str, mode: str = "exec") -> set[str]:
    """The global names the code reads, in any scope: a function's own parameters do not count."""
    found: set[str] = set()

    def walk(table: symtable.SymbolTable, top: bool) -> None:
        for symbol in table.get_symbols():
            if symbol.is_referenced() and (top or symbol.is_global()):
                found.add(symbol.get_name())
        for child in table.get_children():
            walk(child, False)

    walk(symtable.symtable(code, "<cell>", mode), True)
    return found - BUILTINS


def _base(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _targets(node: ast.AST) -> set[str]:
    """Names bound by an assignment target (x.attr = and x[i] = count as binding x: it changes)."""
    if isinstance(node, ast.Name):
        return {node.id}
    if isinstance(node, (ast.Tuple, ast.List)):
        return set().union(*(_targets(e) for e in node.elts)) if node.elts else set()
    if isinstance(node, ast.Starred):
        return _targets(node.value)
    base = _base(node)  # x.attr = ..., x[i] = ...: x is changed
    return {base} if base else set()


def binds(tree: ast.Module) -> tuple[set[str], set[str], set[str]]:
    """(names the code binds, names whose objects it may change, module names it imports)."""
    bound: set[str] = set()
    changed: set[str] = set()
    modules: set[str] = set()
    for stmt in tree.body:
        for node in _top_level(stmt):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    modules.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    bound |= _targets(target)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                bound |= _targets(node.target)
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                bound |= _targets(node.target)
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                bound |= {
                    n for item in node.items if item.optional_vars for n in _targets(item.optional_vars)
                }
            elif isinstance(node, ast.NamedExpr):
                bound |= _targets(node.target)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                base = _base(node.func)  # model.train(), history.append(x): may change model, history
                if base:
                    changed.add(base)
    return bound - modules, changed - bound - modules, modules


def _top_level(stmt: ast.stmt):
    """The nodes of a top-level statement that run at cell level (not inside def/class/lambda bodies)."""
    stack = [stmt]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def origins(nb) -> dict[int, dict[str, dict[str, Origin]]]:
    """For each test cell (by index): name -> {question: how it came to depend on that answer}.

    Statement by statement, so ``fig, ax = plt.subplots()`` starts ``ax`` afresh.
    """
    taint: dict[str, dict[str, Origin]] = {}
    modules: set[str] = set()
    at_tests = {}
    for index, cell in enumerate(nb.cells):
        if is_test(cell):
            at_tests[index] = dict(taint)
            continue
        python = _python(cell.source) if cell.cell_type == "code" else None
        own = answer_question(cell)
        for stmt in syntax.parse(python).body if python else []:
            bound, changed, imported = binds(ast.Module([stmt], []))
            modules |= imported
            inherited: dict[str, Origin] = {own: Origin(own, index, None)} if own else {}
            for name in sorted(reads(ast.unparse(stmt))):
                for question in taint.get(name, {}):
                    inherited.setdefault(question, Origin(question, index, name))
            for name in bound - modules:
                taint[name] = dict(inherited)
            for name in changed - modules:
                taint[name] = {**inherited, **taint.get(name, {})}
            for name in imported:
                taint.pop(name, None)
    return at_tests


def dependencies(nb, probes: dict[int, tuple[str, list[str]]]) -> list[Dependency]:
    """Probes that read a name depending on another question's answer.

    ``probes`` maps a test cell's index to its question and probe expressions;
    each is judged by what the names mean where that test cell sits.
    """
    at_tests = origins(nb)
    found = []
    for index, (question, exprs) in probes.items():
        taint = at_tests.get(index, {})
        for expr in exprs:
            try:
                names = reads(expr, mode="eval")
            except SyntaxError:
                continue  # the probe table check reports it
            for name in sorted(names):
                for other, origin in sorted(taint.get(name, {}).items()):
                    if other != question:
                        found.append(Dependency(question, expr, name, origin))
    return found
