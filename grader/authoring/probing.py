"""Run a unit with its probes and quotes reported as data, not as pass/fail.

Validation needs more than "the solution passes": each probe's value twice
(a probe that changes between two calls grades by luck), the public and the
hidden verdicts apart (a public check must not pass what the hidden ones
reject), and the value of every number the prose quotes, at the place it is
quoted. So the run replaces each test cell by a cell that prints what its
probes evaluate to, and puts a reporting cell before each quoting markdown
cell. Verdicts are judged here, in the validator's process.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import fonts
from ..checks import compare, encode
from . import execute, units
from .units import Unit, ailab_meta

MARK = "AILAB-REPORT "

_PROBE_CELL = """\
from grader.checks.check import evaluate as __ailab_eval
print({mark!r} + __import__("json").dumps({{"test": {index}, "outcomes": [
    [__ailab_eval(__e, globals()), __ailab_eval(__e, globals())] for __e in {exprs!r}]}}))
"""
_QUOTE_CELL = """\
def __ailab_quote(__e):
    try:
        return ["value", str(eval(__e, globals()))]
    except Exception as __x:
        return ["error", f"{{type(__x).__name__}}: {{__x}}"]
print({mark!r} + __import__("json").dumps(
    {{"quotes": {index}, "values": [__ailab_quote(__e) for __e in {exprs!r}]}}))
"""


@dataclass
class Probe:
    spec: dict
    hidden: bool
    first: tuple
    second: tuple

    @property
    def steady(self) -> bool:
        return self.first == self.second

    @property
    def passes(self) -> bool:
        kind, data = self.first
        return kind == "value" and compare.judge(encode.decode(data), self.spec).ok


@dataclass
class TestReport:
    question: str
    probes: list[Probe]

    def verdict(self, hidden: bool) -> bool | None:
        """All public (or hidden) probes pass; None when the cell did not report."""
        chosen = [p for p in self.probes if p.hidden == hidden]
        return all(p.passes for p in chosen) if chosen else None


@dataclass
class ProbeRun:
    seconds: float
    error: str | None
    tests: dict[int, TestReport] = field(default_factory=dict)  # test cell index -> report
    quotes: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # cell index (-1: metadata)
    glyphs_missing: list[str] = field(default_factory=list)  # matplotlib's warnings: text drawn as boxes


def quoted(cell) -> list[dict]:
    return [q for q in ailab_meta(cell).get("quotes") or [] if "expr" in q]


def instrument(unit: Unit, nb) -> tuple[object, dict[int, tuple[str, list[tuple[dict, bool]]]]]:
    """A copy of ``nb`` that reports probes and quotes, and the probe specs of each test cell."""
    out = copy.deepcopy(nb)
    cells = []
    specs = {}
    for index, cell in enumerate(out.cells):
        if cell.cell_type == "markdown" and quoted(cell):
            exprs = [q["expr"] for q in quoted(cell)]
            cells.append(nbformat.v4.new_code_cell(_QUOTE_CELL.format(mark=MARK, index=index, exprs=exprs)))
        if units.is_test(cell):
            calls = unit.checks(unit.notebook.cells[index]) or []
            probes = [(p, c.hidden) for c in calls for p in c.probes]
            specs[index] = (units.grade_id(cell), probes)
            exprs = [p["expr"] for p, _ in probes]
            cell = copy.deepcopy(cell)
            cell.source = _PROBE_CELL.format(mark=MARK, index=index, exprs=exprs)
        cells.append(cell)
    exprs = [q["expr"] for q in unit.meta.get("quotes") or [] if "expr" in q]
    if exprs:
        cells.append(nbformat.v4.new_code_cell(_QUOTE_CELL.format(mark=MARK, index=-1, exprs=exprs)))
    out.cells = cells
    return out, specs


def run(unit: Unit, nb, cwd: Path | None = None, allow_errors: bool = False) -> ProbeRun:
    """Execute ``nb`` (the unit's solution, or a variant of it) and collect its reports."""
    instrumented, specs = instrument(unit, nb)
    result = execute.run(instrumented, cwd or unit.folder, allow_errors=allow_errors)
    report = ProbeRun(result.seconds, result.error)
    for cell in result.nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") != "stream":
                continue
            if output.get("name") == "stderr" and fonts.draws_boxes(output.get("text", "")):
                report.glyphs_missing.append(output["text"].strip().splitlines()[-1][:160])
            for line in output.get("text", "").splitlines():
                if line.startswith(MARK):
                    _collect(report, json.loads(line[len(MARK) :]), specs)
    return report


def _collect(report: ProbeRun, data: dict, specs) -> None:
    if "test" in data:
        question, probes = specs[data["test"]]
        report.tests[data["test"]] = TestReport(
            question,
            [
                Probe(spec, hidden, tuple(first), tuple(second))
                for (spec, hidden), (first, second) in zip(probes, data["outcomes"], strict=True)
            ],
        )
    else:
        report.quotes[data["quotes"]] = [tuple(v) for v in data["values"]]
