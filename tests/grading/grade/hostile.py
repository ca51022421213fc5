"""Hostile and broken submissions of a unit, each with what grading must make of it.

A case only tests a defence if breaking the defence changes what the test
sees, so each attack sits on the answers that make it observable:

* tampered test cells on the blank release score 0, and the same tampering on
  correct answers must earn exactly full marks, which only restored tests give;
* patches of the kernel's own checking (``check``, ``judge``, builtins, numpy)
  go on wrong answers: had they worked, wrong answers would pass;
* forged reports of failing probes go on correct answers: had one been
  believed, a correct answer would fail;
* attacks on the machine print "blocked" for every target they could not
  reach (so the test knows they ran) and LEAK for any they could.
"""

from __future__ import annotations

import ast
import copy
import json
from dataclasses import dataclass
from pathlib import Path

import nbformat

from grader.authoring import dataflow, units
from grader.messages import say

LEAK = "LEAK-" + "7f3a"  # split so this file itself never contains the marker
SLEEPER = "sleep 7919"  # a process the threads case leaves behind; nothing else runs this command


@dataclass(frozen=True)
class Case:
    """One submission and what grading must make of it."""

    submission: object  # a notebook, or raw bytes for a broken file
    base: str = "empty"  # the sample (correct, wrong, empty) whose score and failed questions it must get
    status: str = "graded"  # exactly this status
    cause: str | None = None  # words the message must contain; None: exactly the base sample's message
    blocked: int = 0  # targets the attack must report as blocked, which proves it ran
    shows: str | None = None  # text the graded notebook's outputs must contain, which proves the cause
    tampered: bool = False  # its graded copy must hold the instructor's test cells, each once

    @property
    def ran(self) -> bool:
        """It reached the sandbox, so it has a graded notebook and a list of failed questions."""
        return self.status in ("graded", "timeout", "killed")


def _with_cell(nb, source: str, at: int = 1):
    nb = copy.deepcopy(nb)
    nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    return nb


def _map_tests(nb, change):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if units.is_test(cell):
            change(cell)
    return nb


def _try_each(action: str, targets: list, errors: str = "OSError") -> str:
    """Code that tries ``action`` on each target and prints LEAK or "blocked" for it."""
    return (
        f"for target in {targets!r}:\n"
        "    try:\n"
        f"        {action}\n"
        f"        print({LEAK!r}, target)\n"
        f"    except {errors} as exc:\n"
        "        print('blocked', target, type(exc).__name__)\n"
    )


def _read(targets: list) -> str:
    return _try_each("print(open(target, 'rb').read(40))", [str(t) for t in targets])


# Each patch below would pass wrong answers (or, for PATCH_CHECK, none) if verdicts were made in the
# kernel, as stock nbgrader makes them; grading judges probe values in its own process instead.
PATCH_CHECK = (
    "import grader, grader.checks.check\n"
    "grader.check = grader.checks.check.check = lambda *a, **k: print('all checks passed')\n"
    "check = grader.check"
)
PATCH_JUDGE = (
    "import grader.checks.check, grader.checks.compare\n"
    "from grader.checks.compare import Verdict\n"
    "grader.checks.compare.judge = lambda *a, **k: Verdict(True)\n"
    "grader.checks.check.verdict_text = lambda *a, **k: None\n"
    "grader.checks.check.report = lambda *a, **k: (True, 'all checks passed')"
)
_GRADER_ONLY = (
    "import sys\n\n"
    "def grader_only(real, fake):\n"
    "    # misbehave only when the grader's own code calls, so the student's code still runs\n"
    "    def patched(*args, **kwargs):\n"
    "        caller = sys._getframe(1).f_globals.get('__name__', '')\n"
    "        return (fake if caller.startswith('grader') else real)(*args, **kwargs)\n"
    "    return patched\n\n"
)
PATCH_BUILTINS = _GRADER_ONLY + (
    "import builtins\n"
    "builtins.zip = grader_only(zip, lambda *a, **k: iter(()))\n"
    "builtins.enumerate = grader_only(enumerate, lambda *a, **k: iter(()))\n"
    "builtins.AssertionError = type('Nothing', (Exception,), {})"
)
PATCH_NUMPY = _GRADER_ONLY + (
    "import numpy as np, numpy.testing\n"
    "numpy.testing.assert_allclose = lambda *a, **k: None\n"
    "numpy.testing.assert_array_equal = lambda *a, **k: None\n"
    "np.allclose = lambda *a, **k: True\n"
    "np.isclose = lambda *a, **k: True\n"
    "np.array_equal = lambda *a, **k: True\n"
    "np.mean = grader_only(np.mean, lambda *a, **k: 1.0)"
)
# Breaks the kernel's own reporting: the notebook is lost ("killed"), never a crash of the batch.
BREAK_BUILTINS = "import builtins\nbuiltins.isinstance = lambda *a: True\nbuiltins.float = lambda *a: 0.0"
# Records of a failing probe for every cell, last cell first: only the record of the cell whose
# turn it is (this one) may be believed, and it carries no outputs. (Records written in order,
# this cell's first, would all be believed: the kernel is the student's. A check's hidden probes,
# whose values the kernel never sees, are what such a forger cannot supply.)
FORGE_REPORTS = (
    "import json, os\n"
    "for cell in reversed(range(64)):\n"
    "    line = json.dumps({'cell': cell, 'outputs': [], 'probes': [['error', 'forged']]}) + '\\n'\n"
    "    for fd in range(3, 64):\n"
    "        try:\n"
    "            os.write(fd, line.encode())\n"
    "        except OSError:\n"
    "            pass"
)
ALWAYS = (
    "class Always(float):\n"
    "    def __eq__(self, other):\n"
    "        return True\n\n"
    "    def __call__(self, *args, **kwargs):\n"
    "        return self\n\n"
    "    __hash__ = float.__hash__\n\n"
)


def _always_answers(unit, release) -> dict[str, str]:
    """Every name each answer cell binds, bound to an object that equals anything and calls to itself."""
    answers = {}
    for cell in unit.notebook.cells:
        gid = units.grade_id(cell)
        if gid and gid.endswith("-answer") and cell.cell_type == "code":
            bound, _, _ = dataflow.binds(ast.parse(cell.source))
            answers[gid] = ALWAYS + "\n".join(f"{name} = Always(0)" for name in sorted(bound))
    return answers


def build(unit, release, samples: dict, where: dict, limits) -> dict[str, Case]:
    """The hostile cases, by student id; ``samples`` is ``sampleclass.samples(...)``."""
    course, home, port = where["course"], where["home"], where["port"]
    notebook = f"{unit.id}.ipynb"
    correct, wrong = samples["correct"], samples["wrong"]
    in_repo, in_root, in_usr = written_outside(where)
    timeout = say("grade.timeout", cell=2, seconds=f"{limits.cell_timeout:g}")  # the cell _with_cell adds
    cases: dict[str, Case] = {
        "h-infinite-loop": Case(
            _with_cell(release, "while True:\n    pass"), status="timeout", cause=timeout
        ),
        "h-sleep": Case(
            _with_cell(release, "import time\ntime.sleep(10_000)"), status="timeout", cause=timeout
        ),
        "h-memory-bomb": Case(
            _with_cell(release, "hog = []\nwhile True:\n    hog.append(bytearray(2**27))"),
            shows="MemoryError",
        ),
        "h-fork-bomb": Case(
            _with_cell(
                release,
                "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
            ),
            status="timeout",
            cause=timeout,
        ),
        "h-os-exit": Case(
            _with_cell(release, "import os\nos._exit(0)"), status="killed", cause="the kernel exited"
        ),
        "h-sys-exit-correct": Case(
            _with_cell(correct, "import sys\nsys.exit(1)"), base="correct", shows="SystemExit"
        ),
        "h-segfault": Case(
            _with_cell(release, "import ctypes\nctypes.string_at(0)"),
            status="killed",
            cause="segmentation fault",
        ),
        "h-huge-output": Case(_with_cell(release, "print('x' * 100_000_000)"), shows="output truncated"),
        "h-kill-runner": Case(
            _with_cell(release, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"),
            status="killed",
            cause="the sandbox stopped",
        ),
        "h-write-outside": Case(
            _with_cell(
                release,
                _try_each(
                    "open(target, 'a').write('x')",
                    [
                        str(in_repo),
                        f"../../{in_root.name}",  # from the scratch folder, two levels below /
                        str(in_usr),
                        str(course / "gradebook.db"),
                    ],
                ),
            ),
            blocked=4,
        ),
        "h-write-gradebook": Case(
            _with_cell(
                release,
                "import sqlite3\n"
                + _try_each(
                    "db = sqlite3.connect(f'file:{target}?mode=rw', uri=True, timeout=10); "
                    "db.execute('UPDATE grade SET manual_score = 100, extra_credit = 100'); db.commit()",
                    [str(course / "gradebook.db")],
                    errors="(OSError, sqlite3.Error)",
                ),
            ),
            blocked=1,
        ),
        "h-read-sources": Case(
            _with_cell(
                release,
                _read(
                    [
                        unit.path,
                        course / "source" / unit.id / notebook,
                        f"../../source/{unit.id}/{notebook}",
                    ]
                ),
            ),
            blocked=3,
        ),
        "h-read-gradebook": Case(_with_cell(release, _read([course / "gradebook.db"])), blocked=1),
        "h-read-other-student": Case(
            _with_cell(release, _read([course / "submitted" / "sample-correct" / unit.id / notebook])),
            blocked=1,
        ),
        "h-read-home": Case(
            _with_cell(release, _read([home / ".bashrc", "/etc/shadow", "/etc/passwd"])), blocked=3
        ),
        "h-network": Case(
            _with_cell(
                release,
                "import socket\n"
                + _try_each(
                    "socket.create_connection(target, timeout=2)", [("127.0.0.1", port), ("10.0.0.1", 80)]
                ),
            ),
            blocked=2,
        ),
        "h-env-detect": Case(
            _with_cell(
                release,
                "import os, json\n"
                "grading = any(k.startswith(('NBGRADER', 'AILAB_GRAD', 'JPY', 'CI')) for k in os.environ)\n"
                "print('ENV', json.dumps(sorted(os.environ)))\n"
                "if grading:\n"
                f"    print({LEAK!r}, 'grading detected')",
            ),
            shows="ENV ",
        ),
        # An answer that claims to equal anything reaches the grader as an opaque "Always".
        "h-always-equal": Case(_replace_answers(release, _always_answers(unit, release)), shows="Always"),
        "h-patched-check": Case(_with_cell(release, PATCH_CHECK)),
        "h-patched-judge-wrong": Case(_with_cell(wrong, PATCH_JUDGE), base="wrong"),
        "h-patched-builtins-wrong": Case(_with_cell(wrong, PATCH_BUILTINS), base="wrong"),
        "h-patched-numpy-wrong": Case(_with_cell(wrong, PATCH_NUMPY), base="wrong"),
        "h-broken-builtins": Case(
            _with_cell(release, BREAK_BUILTINS), status="killed", cause="the kernel exited"
        ),
        "h-forged-reports-correct": Case(_with_cell(correct, FORGE_REPORTS), base="correct"),
        "h-threads-correct": Case(
            _with_cell(
                correct,
                (
                    "import threading, subprocess, os, time\n"
                    "forever = lambda: [time.sleep(1) for _ in iter(int, 1)]\n"
                    "threading.Thread(target=forever, daemon=False).start()\n"
                    f"print('sleeper started', subprocess.Popen({SLEEPER.split()!r}).pid)\n"
                    "if os.fork() == 0:\n"
                    "    os.setsid()\n"
                    "    time.sleep(1000)"
                ),
            ),
            base="correct",
            shows="sleeper started",
        ),
        "h-unknown-kernel": Case(_unknown_kernel(correct), base="correct", cause="julia-1.9"),
        "h-invalid-json": Case(
            b'{"cells": [ this is not json', status="invalid", cause="not a readable notebook"
        ),
        "h-empty-file": Case(b"", status="invalid", cause="the file is empty"),
        "h-non-utf8": Case(b'{"cells": "\xff\xfe\xfa"}', status="invalid", cause="not UTF-8"),
        "h-huge-notebook": Case(_huge(release), status="invalid", cause="the limit is 20 MB"),
        "h-other-unit": Case(where["plain"].read_bytes(), status="wrong-unit", cause="another unit"),
    }
    tampering = {
        "deleted-tests": lambda nb: _drop(nb, units.is_test),
        "duplicated-tests": _duplicate_tests,
        "tests-copied-above": _copy_tests_to_top,
        "retyped-tests": _retype_tests,
        "renamed-ids": lambda nb: _map_tests(
            nb, lambda c: c.metadata.nbgrader.update(grade_id=c.metadata.nbgrader["grade_id"] + "x")
        ),
        "edited-tests": lambda nb: _map_tests(nb, lambda c: c.update(source="pass")),
        "inflated-points": lambda nb: _map_tests(nb, lambda c: c.metadata.nbgrader.update(points=100)),
    }
    for name, tamper in tampering.items():
        cases[f"h-{name}"] = Case(tamper(release), tampered=True)
        cases[f"h-{name}-correct"] = Case(tamper(correct), base="correct", tampered=True)
    return cases


def written_outside(where: dict) -> list:
    """Files h-write-outside tries to create (besides appending to the gradebook); none may exist after.

    Named per batch, so that no other run's leftovers can make a batch fail or pass.
    """
    name = f"evil-{where['token']}"
    return [where["repo"] / "grader" / f"{name}.py", Path(f"/{name}.txt"), Path(f"/usr/{name}")]


def _replace_answers(release, answers: dict[str, str]):
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if units.grade_id(cell) in answers:
            cell.source = answers[units.grade_id(cell)]
    return nb


def _unknown_kernel(nb):
    nb = copy.deepcopy(nb)
    nb.metadata["kernelspec"] = {"name": "julia-1.9", "display_name": "Julia", "language": "julia"}
    return nb


def _retype_tests(nb):
    """Test cells turned into markdown, as JupyterLab saves them (no outputs)."""
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        if units.is_test(cell):
            nb.cells[i] = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata, id=cell.id)
    return nb


def _drop(nb, predicate):
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not predicate(c)]
    return nb


def _duplicate_tests(nb):
    """Each test cell followed by an emptied copy that claims the same grade id."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if units.is_test(cell):
            twin = copy.deepcopy(cell)
            twin.source = "pass"
            twin.id = cell.id + "-twin"
            cells.append(twin)
    nb.cells = cells
    return nb


def _copy_tests_to_top(nb):
    """Copies of every test cell pasted at the top, before any answer exists; the originals stay."""
    nb = copy.deepcopy(nb)
    copies = [copy.deepcopy(c) for c in nb.cells if units.is_test(c)]
    for cell in copies:
        cell.id += "-copy"
    nb.cells[1:1] = copies
    return nb


def _huge(nb) -> bytes:
    nb = _with_cell(nb, "# padding\n" + "#" * (50 * 2**20))
    return json.dumps(nb).encode()
