"""The warm floor: a class's notebooks run one after another in one process that imported once.

This is the work ``ailab grade``'s forked children do (the same IPython shell
and the same ``runner.child_main``: code cells run as written, ``check``
questions answered probe by probe), less the sandbox, the fork, the
supervision and the gradebook: what any grader that keeps a warm interpreter
cannot avoid. Each notebook gets a fresh
namespace and scratch folder; the imports are paid once and timed apart.

    python -m benchmarks.warm_floor < job.json

with ``{"warm": [module, ...], "notebooks": [[cell, ...], ...]}`` on stdin
(cells as ``grade.plan`` makes them); prints one JSON line
``{"import_seconds": s, "seconds": [per notebook], "errors": [per notebook]}``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time

from grader.grading import runner

OUTPUT_LIMIT = 100_000  # the grader's default per cell


def run_notebook(shell, cells: list[dict]) -> tuple[float, int]:
    """Seconds to run one notebook's cells in a fresh namespace, and how many cells or probes failed.

    The cells go through ``runner.child_main``, the very code a forked child
    runs; its reports go to a file, read back only to count failures.
    """
    shell.reset(new_session=False)
    home, scratch = os.getcwd(), tempfile.mkdtemp(prefix="warm-floor-")
    os.chdir(scratch)
    fd, report = tempfile.mkstemp(prefix="warm-floor-report-")  # outside the notebook's reach
    start = time.perf_counter()
    try:
        runner.child_main(shell, {"cells": cells, "output_limit": OUTPUT_LIMIT}, fd)  # closes fd
        took = time.perf_counter() - start
        with open(report) as f:
            records = [json.loads(line) for line in f]
        return took, sum(_failures(r) for r in records if "cell" in r)
    finally:
        if "matplotlib.pyplot" in sys.modules:  # a forked child's figures die with it; here they must go
            sys.modules["matplotlib.pyplot"].close("all")
        os.chdir(home)
        shutil.rmtree(scratch, ignore_errors=True)
        os.remove(report)


def _failures(record: dict) -> int:
    probes = record.get("probes") or []
    outputs = record.get("outputs") or []
    return sum(p[0] == "error" for p in probes) + any(o.get("output_type") == "error" for o in outputs)


def main() -> None:
    job = json.loads(sys.stdin.read())
    result = os.fdopen(os.dup(1), "w")  # student code may print anywhere; only this line is ours
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    start = time.perf_counter()
    shell = runner.warm_up(job["warm"])
    imported = time.perf_counter() - start
    seconds, errors = [], []
    for cells in job["notebooks"]:
        took, failed = run_notebook(shell, cells)
        seconds.append(took)
        errors.append(failed)
    result.write(json.dumps({"import_seconds": imported, "seconds": seconds, "errors": errors}) + "\n")
    result.flush()


if __name__ == "__main__":
    main()
