"""Turn a child's probe values into verdicts, in the grader's own process.

The expected values come from the instructor's source notebook; the student's
kernel only ever supplied plain data. A question passes when every one of its
probes (public and hidden) passes; the test cell then gets the output that
nbgrader's own scoring reads (an error output means zero).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..checks.check import unique, verdict_text
from ..checks.checkspec import CheckCall
from ..messages import say


@dataclass(frozen=True)
class Question:
    """One contract test cell: its grade id and probes, hidden flag per probe."""

    grade_id: str
    probes: tuple[tuple[dict, bool], ...]

    @property
    def exprs(self) -> list[str]:
        return [probe["expr"] for probe, _ in self.probes]

    @classmethod
    def from_calls(cls, grade_id: str, calls: list[CheckCall]) -> Question:
        return cls(grade_id, tuple((p, c.hidden) for c in calls for p in c.probes))


def judge(
    question: Question, results: list | None, answer_outputs: list | None = None, lang: str | None = None
) -> tuple[bool, list[str]]:
    """Pass/fail and the student-safe lines explaining it (no hidden expected values).

    ``answer_outputs`` are the outputs of the code cell run just before the test
    cell: when it stopped at nbgrader's stub and the probes failed to run, the
    question is simply unanswered, whatever name the probes missed.
    """
    if results is None or len(results) != len(question.probes):
        return False, [say("grade.probe_missing", lang=lang, question=question.grade_id)]
    outcomes = [_readable(outcome) for outcome in results]
    if stopped_at_stub(answer_outputs) and any(kind == "error" for kind, _ in outcomes):
        return False, [say("check.unanswered", lang=lang, question=question.grade_id)]
    lines = []
    hidden_index = 0
    for (probe, hidden), outcome in zip(question.probes, outcomes, strict=True):
        index = hidden_index if hidden else 0
        lines.append(verdict_text(question.grade_id, index, probe, outcome, hidden, lang))
        hidden_index += hidden
    lines = unique(lines)
    return not lines, lines


def _readable(outcome) -> tuple:
    """A probe result as ``(kind, data)``; anything else the child sent counts as an error."""
    if isinstance(outcome, (list, tuple)) and len(outcome) == 2 and outcome[0] in ("value", "error"):
        return tuple(outcome)
    return ("error", "the check's answer was unreadable")


def stopped_at_stub(outputs: list | None) -> bool:
    """True when a cell's outputs end in nbgrader's bare ``raise NotImplementedError()``."""
    return any(
        isinstance(o, dict)
        and o.get("output_type") == "error"
        and o.get("ename") == "NotImplementedError"
        and not o.get("evalue")
        for o in outputs or []
    )


def outputs(question: Question, passed: bool, lines: list[str], lang: str | None = None) -> list[dict]:
    """Test-cell outputs in nbformat: a stream when it passed, an error when not."""
    if passed:
        text = say("check.pass", lang=lang, question=question.grade_id, n=len(question.probes)) + "\n"
        return [{"output_type": "stream", "name": "stdout", "text": text}]
    return [{"output_type": "error", "ename": "CheckFailed", "evalue": "\n".join(lines), "traceback": lines}]
