"""Start ``ailab lab`` or ``ailab student`` as a real JupyterLab server for browser tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

TOKEN = "ailab-test-token"
AILAB = str(Path(sys.executable).parent / "ailab")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serving(base: str) -> bool:
    try:
        urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
        return True
    except OSError:
        return False


@contextlib.contextmanager
def jupyterlab(*args: str, cwd: Path, log: Path, env: dict[str, str] | None = None):
    """Run ``ailab ARGS --port P --no-browser``; yields the base URL; stops it afterwards."""
    port = free_port()
    full_env = {**os.environ, "JUPYTER_TOKEN": TOKEN, **(env or {})}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [AILAB, *args, "--port", str(port), "--no-browser"],
            cwd=cwd,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not serving(base):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"JupyterLab did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
