"""Turn a child's probe values into verdicts, in the grader's own process.

The expected values come from the instructor's source notebook; the student's
kernel only ever supplied plain data. A question passes when every one of its
probes (public and hidden) passes; the test cell then gets the output that
nbgrader's own scoring reads (an error output means zero).
"""

from __future__ import annotations

from dataclasses import dataclass

from .check import verdict_text
from .checkspec import CheckCall
from .messages import say


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


def judge(question: Question, results: list | None) -> tuple[bool, list[str]]:
    """Pass/fail and the student-safe lines explaining it (no hidden expected values)."""
    if results is None or len(results) != len(question.probes):
        return False, [say("grade.probe_missing", question=question.grade_id)]
    lines = []
    hidden_index = 0
    for (probe, hidden), outcome in zip(question.probes, results, strict=True):
        if not (
            isinstance(outcome, (list, tuple)) and len(outcome) == 2 and outcome[0] in ("value", "error")
        ):
            outcome = ("error", "the check's answer was unreadable")
        text = verdict_text(question.grade_id, hidden_index if hidden else 0, probe, tuple(outcome), hidden)
        hidden_index += hidden
        if text:
            lines.append(text)
    return not lines, lines


def outputs(question: Question, passed: bool, lines: list[str]) -> list[dict]:
    """Test-cell outputs in nbformat: a stream when it passed, an error when not."""
    if passed:
        text = say("check.pass", question=question.grade_id, n=len(question.probes)) + "\n"
        return [{"output_type": "stream", "name": "stdout", "text": text}]
    return [{"output_type": "error", "ename": "CheckFailed", "evalue": "\n".join(lines), "traceback": lines}]
