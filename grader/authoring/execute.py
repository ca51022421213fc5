"""Run a notebook in a trusted Jupyter kernel with nbclient (validation, book, benchmarks).

Student submissions never come here: they go through ``sandbox`` and ``runner``.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbclient
import nbformat

from .. import paths

KERNEL_ENV = {"PYTHONHASHSEED": "0"}


@dataclass
class Run:
    nb: object
    seconds: float
    error: str | None  # first cell error, when not allowed


def kernel_env() -> None:
    """Settings every executed notebook gets: fixed hashing and the datasets path."""
    os.environ.update(KERNEL_ENV)
    os.environ.setdefault("AILAB_DATASETS", str(paths.datasets()))


def run(nb, cwd: Path, timeout: int = 120, allow_errors: bool = False) -> Run:
    kernel_env()
    client = nbclient.NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(cwd)}},
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except nbclient.exceptions.CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)
    except (nbclient.exceptions.CellTimeoutError, nbclient.exceptions.DeadKernelError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    return Run(nb, time.perf_counter() - start, error)


def measure(path: Path) -> dict:
    """Wall time and the kernel's peak memory for one notebook (run in a fresh process)."""
    nb = nbformat.read(path, as_version=4)
    result = run(nb, path.parent)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": result.seconds, "peak_mib": peak_kib / 1024, "error": result.error}


if __name__ == "__main__":  # used by benchmarks/notebooks.py: one process per notebook
    import json

    print(json.dumps(measure(Path(sys.argv[1]))))
