"""``check("q1", [...])``: a student's friendly test of one question.

The same probe specs serve three readers. A student runs them here, in the
kernel, and gets a specific message. Stock ``nbgrader autograde`` runs them the
same way (a failure raises). ``ailab grade`` never runs this function: it
reads the specs from the instructor's source notebook, asks the sandboxed
kernel only for each ``expr``'s value (:func:`evaluate`), and judges in its
own process.

In a notebook a check sees whatever the kernel holds, which is not always what
the student last wrote: a cell that failed leaves the names from its previous
run behind. So, imported in an IPython kernel, this module follows every cell
run (:class:`CellLog`) and a check says so when it judged code from before a
failed run, instead of a plain ✅.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from ..messages import say
from . import compare, encode

STUB_ERROR = "NotImplementedError: "  # what evaluate() reports for nbgrader's `raise NotImplementedError()`

CODE_SPAN = re.compile(r"`[^`]*`")
CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
# A word of prose, not a name in code: no dot, underscore, bracket or call around it.
ENGLISH_WORD = re.compile(r"(?<![\w.\[])[A-Za-z]{2,}(?![\w.(\[])")


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


def hit_stub(outcome: tuple[str, Any]) -> bool:
    """True when a probe ran into nbgrader's stub: the question is unanswered, not broken."""
    return outcome[0] == "error" and outcome[1] == STUB_ERROR


def spec_language(probes) -> str | None:
    """The language a check is written in, from its own hints and names (None if it has no words).

    A Chinese notebook's checks carry Chinese hints, so they answer in Chinese
    whatever the kernel's settings; an English notebook's answer in English.
    Chinese when the words hold at least as many Chinese characters as English
    words: an English hint may quote a poem's characters (after 明), and a
    Chinese one may name code (`pair_counts`, np.bincount), without changing
    the language.
    """
    words = " ".join(str(p.get("hint", "")) + str(p.get("name", "")) for p in probes if isinstance(p, dict))
    if not words.strip():
        return None
    prose = CODE_SPAN.sub(" ", words)
    chinese = len(CJK_CHAR.findall(prose))
    english = len(ENGLISH_WORD.findall(prose))
    return "zh_CN" if chinese and chinese >= english else "en"


def _said(value: Any, lang: str | None) -> Any:
    """A parameter as the message's language says it (a :class:`compare.Word`), else as it is."""
    return say(value.key, lang=lang, **dict(value.params)) if isinstance(value, compare.Word) else value


def verdict_text(
    question: str, index: int, spec: dict, outcome: tuple[str, Any], hidden: bool, lang: str | None = None
):
    """``None`` when the probe passes, else one line saying what went wrong."""
    kind, data = outcome
    label = spec.get("name") or spec["expr"]
    if hit_stub(outcome):  # the same line for every probe, public or hidden: callers drop repeats
        return say("check.unanswered", lang=lang, question=question)
    if kind == "error":
        if hidden:
            return say("check.hidden_error", lang=lang, question=question, n=index + 1, error=data)
        return say("check.error", lang=lang, question=question, label=label, error=data)
    verdict = compare.judge(encode.decode(data), spec)
    if verdict.ok:
        return None
    if hidden:
        return say("check.hidden_fail", lang=lang, question=question, n=index + 1)
    why = say(verdict.key, lang=lang, **{k: _said(v, lang) for k, v in verdict.params.items()})
    line = say("check.fail", lang=lang, question=question, label=label, why=why)
    hint = spec.get("hint")
    return f"{line}\n   {say('check.hint', lang=lang, hint=hint)}" if hint else line


def unique(lines) -> list[str]:
    """The non-empty lines, each once: an unanswered question is said once, not per probe."""
    return list(dict.fromkeys(line for line in lines if line))


@dataclass(frozen=True)
class CellRun:
    """How one cell's latest run ended."""

    count: int | None  # the execution count Jupyter shows beside the cell, e.g. [7]
    error: str | None = None  # the exception's type name when the run failed
    stub: bool = False  # it stopped at nbgrader's stub: unanswered, so nothing stale was left behind

    @classmethod
    def of(cls, result) -> CellRun:
        """From IPython's ``ExecutionResult`` (a SyntaxError is an error *before* execution)."""
        error = result.error_before_exec or result.error_in_exec
        if error is None:
            return cls(result.execution_count)
        stub = type(error) is NotImplementedError and not error.args
        return cls(result.execution_count, type(error).__name__, stub)

    def label(self, lang: str | None = None) -> str:
        return say("check.cell", lang=lang, count=" " if self.count is None else self.count, error=self.error)


class CellLog:
    """The latest run of each cell, fed by IPython's ``pre_run_cell``/``post_run_cell`` events.

    JupyterLab sends each cell's id with its run, so a cell fixed and run again
    clears its own failure. Without ids (nbclient, the terminal) only the order
    of runs is known, so only the latest run counts. Cells that call
    :func:`check` are test cells: their own verdicts are never "broken answers".
    """

    def __init__(self) -> None:
        self.runs: dict[str | None, CellRun] = {}  # cell id -> latest run; None: the latest unnamed run
        self.current: str | None = None  # the id of the cell running now
        self.latest: CellRun | None = None
        self.checking = False  # the running cell has called check()

    def before(self, info) -> None:
        """``pre_run_cell``: remember which cell runs, so it never warns about itself."""
        self.current = getattr(info, "cell_id", None)
        self.checking = False

    def after(self, result) -> None:
        """``post_run_cell``: record how the cell ended."""
        key = getattr(result.info, "cell_id", None)
        if self.checking:
            if key is not None:
                self.runs.pop(key, None)
            return
        self.runs[key] = self.latest = CellRun.of(result)

    def broken(self) -> list[CellRun]:
        """Other cells whose latest run failed, oldest first; unanswered stubs are not stale code."""
        others = [run for key, run in self.runs.items() if key is None or key != self.current]
        return sorted((run for run in others if run.error and not run.stub), key=lambda run: run.count or 0)


def watch_cells() -> CellLog | None:
    """A :class:`CellLog` hooked to the running IPython shell, or ``None`` outside one.

    The grader's runner imports this module before it builds its shell, so
    grading never records anything.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return None
    log = CellLog()
    shell.events.register("pre_run_cell", log.before)
    shell.events.register("post_run_cell", log.after)
    return log


CELLS = watch_cells()
if CELLS is not None:  # a student's kernel: figures may carry Chinese text
    from ..fonts import use_cjk_fonts

    use_cjk_fonts()


def report(question: str, probes: list[dict], outcomes: list, hidden: bool, cells: CellLog | None):
    """``(passed, text)`` for one check, warning when it may have judged code older than a failed run."""
    lang = spec_language(probes)
    pairs = enumerate(zip(probes, outcomes, strict=True))
    lines = unique(verdict_text(question, i, spec, outcome, hidden, lang) for i, (spec, outcome) in pairs)
    latest_is_stub = cells is not None and cells.latest is not None and cells.latest.stub
    if lines and latest_is_stub and any(kind == "error" for kind, _ in outcomes):
        return False, say("check.unanswered", lang=lang, question=question)  # a stub stopped the answer cell
    broken = cells.broken() if cells is not None else []
    where = say("check.cell_separator", lang=lang).join(run.label(lang) for run in broken)
    if lines:
        note = [say("check.stale_fail", lang=lang, cells=where, n=len(broken))] if broken else []
        return False, "\n".join(lines + note)
    if broken:
        return True, say("check.stale", lang=lang, question=question, cells=where, n=len(broken))
    return True, say("check.pass", lang=lang, question=question, n=len(probes))


def check(question: str, probes: list[dict], *, hidden: bool = False) -> None:
    """Run one question's checks in the caller's namespace and explain the result."""
    namespace = sys._getframe(1).f_globals
    if CELLS is not None:
        CELLS.checking = True
    outcomes = [evaluate(spec["expr"], namespace) for spec in probes]
    passed, text = report(question, probes, outcomes, hidden, CELLS)
    if not passed:
        raise CheckFailed(text)
    if not hidden:
        print(text)
