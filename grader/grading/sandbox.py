"""Workers: one pre-warmed ``grader.grading.runner`` each, inside a bubblewrap sandbox.

The sandbox has no network, a read-only view of only the Python install, the
``grader`` package and the datasets, and a private ``/tmp``; it cannot see the
course folder (gradebook, sources, other students) or anyone's home. As root,
each worker also gets a pids and a memory cgroup, so a fork bomb or a memory
bomb stops at the sandbox's edge. Without bubblewrap the same runner works with
resource limits only, and :func:`sandbox_mode` says so.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from .. import paths
from ..errors import SandboxUnavailable
from ..messages import say

CGROUP_ROOT = Path("/sys/fs/cgroup")
START_TIMEOUT_S = 180
SANDBOX_ENV = {
    "HOME": "/tmp/home",
    "LANG": "C.UTF-8",
    "MPLBACKEND": "Agg",
    "MPLCONFIGDIR": "/tmp/matplotlib",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "OMP_NUM_THREADS": "1",
    "OMP_WAIT_POLICY": "PASSIVE",
    "TQDM_DISABLE": "1",
    "PATH": "/usr/bin:/bin",
}


@dataclass(frozen=True)
class Limits:
    """What one submission may use. Timeouts in seconds."""

    cell_timeout: float = 60.0
    notebook_timeout: float = 300.0
    memory_bytes: int = 2 << 30
    max_processes: int = 128
    cpu_seconds: int = 900
    output_limit: int = 100_000


@cache
def bwrap_works() -> bool:
    """Is bubblewrap installed, and can it make a sandbox on this machine?"""
    if not shutil.which("bwrap"):
        return False
    probe = subprocess.run(
        ["bwrap", "--unshare-all", "--ro-bind", "/", "/", "--proc", "/proc", "true"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


def sandbox_mode(require: bool) -> bool:
    """True when grading is sandboxed; refuses or warns loudly otherwise."""
    if bwrap_works():
        return True
    if require:
        raise SandboxUnavailable(say("sandbox.missing"), "ailab grade", say("sandbox.missing_fix"))
    print(say("sandbox.warning"), file=sys.stderr)
    return False


def _read_only_roots() -> list[str]:
    roots = {sys.base_prefix, sys.prefix, str(paths.PACKAGE), str(paths.datasets())}
    return sorted(r for r in roots if not r.startswith("/usr"))


def bwrap_command(argv: list[str]) -> list[str]:
    cmd = [
        "bwrap",
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--clearenv",
        "--ro-bind",
        "/usr",
        "/usr",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
    ]
    for top in ("/bin", "/lib", "/lib64", "/sbin"):
        if os.path.islink(top):
            cmd += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            cmd += ["--ro-bind", top, top]
    for name in ("/etc/ld.so.cache", "/etc/localtime"):
        cmd += ["--ro-bind-try", name, name]
    for root in _read_only_roots():
        cmd += ["--ro-bind", root, root]
    if os.geteuid() == 0:
        cmd += ["--cap-drop", "ALL"]
    for key, value in {**SANDBOX_ENV, "AILAB_DATASETS": str(paths.datasets())}.items():
        cmd += ["--setenv", key, value]
    return cmd + ["--remount-ro", "/", "--chdir", "/tmp", *argv]


class Cgroups:
    """Per-worker pids and memory cgroups (cgroup v1 or v2), when this process may make them."""

    def __init__(self, name: str, limits: Limits):
        self.dirs: list[Path] = []
        if os.geteuid() != 0:
            return
        wanted = {
            "pids": {"pids.max": str(limits.max_processes + 32)},
            "memory": {"memory.limit_in_bytes": str(limits.memory_bytes + (1 << 30))},
        }
        for controller, settings in wanted.items():
            folder = CGROUP_ROOT / controller / "ailab" / name
            try:
                _remove_empty_siblings(folder.parent)  # left by a batch that was killed
                folder.mkdir(parents=True, exist_ok=True)
                for key, value in settings.items():
                    (folder / key).write_text(value)
                self.dirs.append(folder)
            except OSError:
                continue

    def wrap(self, argv: list[str]) -> list[str]:
        """Join the cgroups first, then exec: everything the worker starts stays inside."""
        if not self.dirs:
            return argv
        joins = " && ".join(f'echo $$ > "{d / "cgroup.procs"}"' for d in self.dirs)
        return ["/bin/sh", "-c", f'{joins} && exec "$@"', "sh", *argv]

    def remove(self) -> None:
        for folder in self.dirs:
            for _ in range(50):
                try:
                    folder.rmdir()
                    break
                except OSError:
                    time.sleep(0.02)


def _remove_empty_siblings(parent: Path) -> None:
    """Remove cgroups whose grader process (the name's first part) is gone."""
    if parent.is_dir():
        for stale in parent.iterdir():
            if Path("/proc", stale.name.split("-")[0]).exists():
                continue
            try:
                stale.rmdir()  # the kernel refuses while any process is inside
            except OSError:
                pass


class Worker:
    """One runner process: starts warm, runs one notebook at a time, restarts if it dies."""

    def __init__(self, index: int, warm: list[str], limits: Limits, sandboxed: bool):
        self.index, self.warm, self.limits, self.sandboxed = index, warm, limits, sandboxed
        self.proc: subprocess.Popen | None = None
        self.cgroups: Cgroups | None = None
        self.scratch = ""
        self._buffer = b""
        self.restarts = 0

    def start(self) -> None:
        argv = [sys.executable, "-m", "grader.grading.runner"]
        if self.sandboxed:
            argv, env, self.scratch = bwrap_command(argv), None, "/tmp/work"
        else:
            self.scratch = tempfile.mkdtemp(prefix=f"ailab-work{self.index}-")
            env = {
                **SANDBOX_ENV,
                "PATH": os.environ.get("PATH", SANDBOX_ENV["PATH"]),
                "HOME": self.scratch,
                "MPLCONFIGDIR": os.path.join(self.scratch, ".mpl"),
                "AILAB_DATASETS": str(paths.datasets()),
            }
        self.cgroups = Cgroups(f"{os.getpid()}-{self.index}-{self.restarts}", self.limits)
        self.proc = subprocess.Popen(
            self.cgroups.wrap(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd="/",
            start_new_session=True,
        )
        self._buffer = b""
        self._send({"warm": self.warm, "sandboxed": self.sandboxed, "scratch": self.scratch})
        ready = self._receive(time.monotonic() + START_TIMEOUT_S)
        if not ready or not ready.get("ready"):
            self.stop()
            raise SandboxUnavailable(
                "the grading worker did not start",
                f"worker {self.index}",
                "run `ailab grade` again; if it persists, try without the sandbox",
            )

    def run(self, cells: list[dict]) -> dict:
        """Execute one notebook's cells; always returns a result, never raises for student code."""
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        job = {"id": time.monotonic_ns(), "cells": cells, **asdict(self.limits)}
        self._send(job)
        deadline = time.monotonic() + self.limits.notebook_timeout + 30
        result = self._receive(deadline)
        if result is None or result.get("id") != job["id"]:
            self.stop()
            self.restarts += 1
            return {
                "cells": {},
                "status": "killed",
                "reason": "the sandbox stopped while running the notebook (it was restarted)",
            }
        result["cells"] = {int(k): v for k, v in result.get("cells", {}).items()}
        return result

    def _send(self, message: dict) -> None:
        try:
            self.proc.stdin.write((json.dumps(message) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def _receive(self, deadline: float) -> dict | None:
        """The runner's next line, or None if it dies or the deadline passes."""
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                if not sel.select(timeout=min(remaining, 1.0)):
                    if self.proc.poll() is not None:
                        return None
                    continue
                chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
                if not chunk:
                    return None
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except ValueError:
            return None

    def stop(self) -> None:
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
            self.proc = None
        if self.cgroups:
            self.cgroups.remove()
        if not self.sandboxed and self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
