"""Hostile and broken submissions of unit ic-t1, each with the score it must get.

Each case starts from the student release (no answers) or from the honest
correct submission, and adds one attack. ``EXPECT`` maps student id to
(expected auto score, allowed statuses); ``None`` as score means "the full
auto score". Markers like LEAK are printed only if an attack succeeds, and
the test looks for them in every output.
"""

from __future__ import annotations

import copy
import json

import nbformat

from grader.authoring import units

LEAK = "LEAK-" + "7f3a"  # split so this file itself never contains the marker


def _with_cell(nb, source: str, at: int = 1):
    nb = copy.deepcopy(nb)
    nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    return nb


def _tests(nb):
    return [c for c in nb.cells if units.is_test(c)]


def _map_tests(nb, change):
    nb = copy.deepcopy(nb)
    for cell in _tests(nb):
        change(cell)
    return nb


def build(release, correct, paths: dict) -> tuple[dict, dict]:
    """Submissions (student id -> notebook or raw bytes) and their expectations."""
    repo, course, home, port = paths["repo"], paths["course"], paths["home"], paths["port"]
    try_read = (
        "import os\n"
        "for path in {targets!r}:\n"
        "    try:\n"
        "        data = open(path, 'rb').read(200)\n"
        "        print('" + LEAK + "', path, data[:40])\n"
        "    except OSError as exc:\n"
        "        print('blocked', path, type(exc).__name__)\n"
    )
    subs: dict[str, object] = {}
    subs["h-infinite-loop"] = _with_cell(release, "while True:\n    pass")
    subs["h-sleep"] = _with_cell(release, "import time\ntime.sleep(10_000)")
    subs["h-memory-bomb"] = _with_cell(release, "hog = []\nwhile True:\n    hog.append(bytearray(2**27))")
    subs["h-fork-bomb"] = _with_cell(
        release, "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    )
    subs["h-os-exit"] = _with_cell(release, "import os\nos._exit(0)")
    subs["h-sys-exit-correct"] = _with_cell(correct, "import sys\nsys.exit(1)")
    subs["h-segfault"] = _with_cell(release, "import ctypes\nctypes.string_at(0)")
    subs["h-huge-output"] = _with_cell(release, "print('x' * 100_000_000)")
    subs["h-write-outside"] = _with_cell(
        release,
        (
            "import os\n"
            f"for path in [{str(repo / 'grader' / 'evil.py')!r}, '../../evil.txt', '/usr/evil', "
            f"{str(course / 'gradebook.db')!r}]:\n"
            "    try:\n"
            "        open(path, 'a').write('x')\n"
            "        print('" + LEAK + "', path)\n"
            "    except OSError as exc:\n"
            "        print('blocked', path, type(exc).__name__)"
        ),
    )
    subs["h-read-sources"] = _with_cell(
        release,
        try_read.format(
            targets=[
                str(repo / "notebooks" / "image-classifiers" / "ic-t1" / "ic-t1.ipynb"),
                str(course / "source" / "ic-t1" / "ic-t1.ipynb"),
                "../../source/ic-t1/ic-t1.ipynb",
            ]
        ),
    )
    subs["h-read-gradebook"] = _with_cell(release, try_read.format(targets=[str(course / "gradebook.db")]))
    subs["h-read-other-student"] = _with_cell(
        release,
        try_read.format(targets=[str(course / "submitted" / "sample-correct" / "ic-t1" / "ic-t1.ipynb")]),
    )
    subs["h-read-home"] = _with_cell(
        release, try_read.format(targets=[str(home / ".bashrc"), "/etc/shadow", "/etc/passwd"])
    )
    subs["h-network"] = _with_cell(
        release,
        (
            "import socket\n"
            f"for host in [('127.0.0.1', {port}), ('10.0.0.1', 80)]:\n"
            "    try:\n"
            "        socket.create_connection(host, timeout=2)\n"
            "        print('" + LEAK + "', host)\n"
            "    except OSError as exc:\n"
            "        print('blocked', host, type(exc).__name__)"
        ),
    )
    subs["h-env-detect"] = _with_cell(
        release,
        (
            "import os, json\n"
            "grading = any(k.startswith(('NBGRADER', 'AILAB_GRAD', 'JPY', 'CI')) for k in os.environ)\n"
            "print('ENV', json.dumps(sorted(os.environ)))\n"
            "if grading:\n"
            "    print('" + LEAK + " grading detected')"
        ),
    )
    always = (
        "class Always(float):\n    def __eq__(self, other):\n        return True\n"
        "    __hash__ = float.__hash__\n\n"
    )
    subs["h-always-equal"] = _replace_answers(
        release,
        {
            "q1-answer": always + "def pixel(image, row, col):\n    return Always(0)",
            "q2-answer": always + "def distance(a, b):\n    return Always(0)",
            "q4-answer": always + "def accuracy(predictions, answers):\n    return Always(0)",
        },
    )
    subs["h-patched-builtins"] = _with_cell(
        release,
        (
            "import builtins\n"
            "builtins.AssertionError = type('Nothing', (Exception,), {})\n"
            "builtins.isinstance = lambda *a: True\n"
            "builtins.float = lambda *a: 0.0"
        ),
    )
    subs["h-patched-numpy"] = _with_cell(
        release,
        (
            "import numpy as np, numpy.testing\n"
            "numpy.testing.assert_allclose = lambda *a, **k: None\n"
            "numpy.testing.assert_array_equal = lambda *a, **k: None\n"
            "np.allclose = lambda *a, **k: True\n"
            "np.isclose = lambda *a, **k: True\n"
            "np.array_equal = lambda *a, **k: True"
        ),
    )
    subs["h-patched-check"] = _with_cell(
        release,
        (
            "import grader, grader.checks.check, grader.checks.compare\n"
            "from grader.checks.compare import Verdict\n"
            "grader.checks.check.check = lambda *a, **k: print('all checks passed')\n"
            "grader.checks.compare.judge = lambda *a, **k: Verdict(True)\n"
            "grader.checks.check.evaluate = lambda expr, ns: ('value', 0.0)\n"
            "grader.check = check = grader.checks.check.check"
        ),
    )
    subs["h-forged-reports"] = _with_cell(
        release,
        (
            "import os, json\n"
            "for fd in range(3, 64):\n"
            "    try:\n"
            "        os.write(fd, (json.dumps({'cell': 9, 'probes': [['value', 13.0]]}) + '\\n').encode())\n"
            "    except OSError:\n"
            "        pass"
        ),
    )
    subs["h-deleted-tests"] = _drop(release, lambda c: units.is_test(c))
    subs["h-duplicated-tests"] = _duplicate_tests(release)
    subs["h-retyped-tests"] = _retype_tests(release)
    subs["h-renamed-ids"] = _map_tests(
        release, lambda c: c.metadata.nbgrader.update(grade_id=c.metadata.nbgrader["grade_id"] + "x")
    )
    subs["h-edited-tests"] = _map_tests(release, lambda c: c.update(source="pass"))
    subs["h-kill-runner"] = _with_cell(release, "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")
    subs["h-threads-correct"] = _with_cell(
        correct,
        (
            "import threading, subprocess, os, time\n"
            "threading.Thread(target=lambda: [time.sleep(1) for _ in iter(int, 1)], daemon=False).start()\n"
            "subprocess.Popen(['sleep', '1000'])\n"
            "if os.fork() == 0:\n"
            "    os.setsid()\n"
            "    time.sleep(1000)"
        ),
    )
    unknown_kernel = copy.deepcopy(correct)
    unknown_kernel.metadata["kernelspec"] = {
        "name": "julia-1.9",
        "display_name": "Julia",
        "language": "julia",
    }
    subs["h-unknown-kernel"] = unknown_kernel
    subs["h-invalid-json"] = b'{"cells": [ this is not json'
    subs["h-empty-file"] = b""
    subs["h-non-utf8"] = b'{"cells": "\xff\xfe\xfa"}'
    subs["h-huge-notebook"] = _huge(release)
    subs["h-other-unit"] = (paths["plain"]).read_bytes()

    full = None
    zero_any = {"graded", "timeout", "killed"}
    expect = {name: (0.0, zero_any) for name in subs}
    expect.update(
        {
            "h-infinite-loop": (0.0, {"timeout"}),
            "h-sleep": (0.0, {"timeout"}),
            "h-os-exit": (0.0, {"killed"}),
            "h-segfault": (0.0, {"killed"}),
            "h-kill-runner": (0.0, {"killed"}),
            "h-sys-exit-correct": (full, {"graded"}),
            "h-threads-correct": (full, {"graded"}),
            "h-unknown-kernel": (full, {"graded"}),
            "h-invalid-json": (0.0, {"invalid"}),
            "h-empty-file": (0.0, {"invalid"}),
            "h-non-utf8": (0.0, {"invalid"}),
            "h-huge-notebook": (0.0, {"invalid"}),
            "h-other-unit": (0.0, {"wrong-unit"}),
        }
    )
    return subs, expect


def _replace_answers(release, answers: dict[str, str]):
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
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


def _huge(nb) -> bytes:
    nb = _with_cell(nb, "# padding\n" + "#" * (50 * 2**20))
    return json.dumps(nb).encode()


# What the instructor reads in grades.csv for the cases whose cause is known exactly.
MESSAGES = {
    "h-infinite-loop": "ran longer than 8 s",
    "h-sleep": "ran longer than 8 s",
    "h-os-exit": "the kernel exited",
    "h-segfault": "segmentation fault",
    "h-kill-runner": "the sandbox stopped",
    "h-invalid-json": "not a readable notebook",
    "h-empty-file": "the file is empty",
    "h-non-utf8": "not UTF-8",
    "h-huge-notebook": "the limit is 20 MB",
    "h-other-unit": "another unit",
    "h-unknown-kernel": "julia-1.9",
    "h-always-equal": "failed q1, q2",
    "h-patched-check": "failed q1",
}
