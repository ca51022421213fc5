"""``check("q1", [...])``: a student's friendly test of one question.

The same probe specs serve three readers. A student runs them here, in the
kernel, and gets a specific message. Stock ``nbgrader autograde`` runs them the
same way (a failure raises). ``ailab grade`` never runs this function: it
reads the specs from the instructor's source notebook, asks the sandboxed
kernel only for each ``expr``'s value (:func:`evaluate`), and judges in its
own process.
"""

from __future__ import annotations

import sys
from typing import Any

from . import compare, encode
from .messages import say


class CheckFailed(AssertionError):
    """A check did not pass; shown to students without a traceback."""

    def _render_traceback_(self) -> list[str]:
        return str(self).splitlines()


def evaluate(expr: str, namespace: dict) -> tuple[str, Any]:
    """``("value", plain data)`` or ``("error", "NameError: ...")`` for one probe."""
    try:
        value = eval(compile(expr, "<check>", "eval"), namespace)  # noqa: S307 - student's own kernel
        return "value", encode.encode(value)
    except BaseException as exc:  # a probe must never take the kernel down with it
        if isinstance(exc, KeyboardInterrupt):
            raise
        return "error", f"{type(exc).__name__}: {exc}"[:300]


def verdict_text(question: str, index: int, spec: dict, outcome: tuple[str, Any], hidden: bool):
    """``None`` when the probe passes, else one line saying what went wrong."""
    kind, data = outcome
    label = spec.get("name") or spec["expr"]
    if kind == "error":
        if hidden:
            return say("check.hidden_error", question=question, n=index + 1, error=data)
        return say("check.error", question=question, label=label, error=data)
    verdict = compare.judge(encode.decode(data), spec)
    if verdict.ok:
        return None
    if hidden:
        return say("check.hidden_fail", question=question, n=index + 1)
    line = say("check.fail", question=question, label=label, why=say(verdict.key, **verdict.params))
    hint = spec.get("hint")
    return f"{line}\n   {say('check.hint', hint=hint)}" if hint else line


def check(question: str, probes: list[dict], *, hidden: bool = False) -> None:
    """Run one question's checks in the caller's namespace and explain the result."""
    namespace = sys._getframe(1).f_globals
    failures = [
        text
        for i, spec in enumerate(probes)
        if (text := verdict_text(question, i, spec, evaluate(spec["expr"], namespace), hidden))
    ]
    if failures:
        raise CheckFailed("\n".join(failures))
    if not hidden:
        print(say("check.pass", question=question, n=len(probes)))
