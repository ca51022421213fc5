"""What a grade report cannot show: each job's raw result, its wall time and the sandbox's processes.

``ailab grade`` turns the runner's result into a one-line message, and a row's
time includes waiting for a worker. These tests need the result as the
runner sent it, the time the notebook really ran, and proof that nothing a
student started outlives the notebook, so they wrap ``Worker.run`` while the
real batch runs.
"""

from __future__ import annotations

import copy
import os
import re
import time
from pathlib import Path

import nbformat
import pytest

from grader.grading import sandbox

CASE = re.compile(r"# case: (\S+)")


def with_cell(nb, case: str, source: str, at: int | None = None):
    """``nb`` with one code cell added (at the end by default), marked with its case name for the spy."""
    nb = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell(f"# case: {case}\n{source}")
    nb.cells.insert(len(nb.cells) if at is None else at, cell)
    return nb


def live_processes(root: int) -> set[int]:
    """Pids of the live processes under ``root`` (a zombie is dead already and only awaits reaping)."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path("/proc", entry, "stat").read_text()
        except OSError:
            continue
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if state != "Z":
            parent[int(entry)] = int(ppid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        children = [p for p, pp in parent.items() if pp == pid]
        found.update(children)
        todo += children
    return found


class Jobs:
    """Every notebook the workers ran, by case: result, seconds, runner pid, processes before and after."""

    def __init__(self):
        self.by_case: dict[str, dict] = {}
        self.order: list[str] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_run = sandbox.Worker.run

        def run(worker, cells):
            if worker.proc is None or worker.proc.poll() is not None:
                worker.start()  # outside the timing: a worker's start is not the notebook's time
            runner = worker.proc.pid
            before = live_processes(runner)
            started = time.monotonic()
            result = real_run(worker, cells)
            seconds = time.monotonic() - started
            case = next(
                m.group(1) for c in cells if c["kind"] == "code" for m in [CASE.search(c["source"])] if m
            )
            self.order.append(case)
            self.by_case[case] = {
                "result": result,
                "seconds": seconds,
                "worker": worker.index,
                "runner": runner,
                "restarted": worker.proc is None or worker.proc.pid != runner,
                "before": before,
                "after": live_processes(runner) if worker.proc else set(),
            }
            return result

        monkeypatch.setattr(sandbox.Worker, "run", run)

    def __getitem__(self, case: str) -> dict:
        return self.by_case[case]
