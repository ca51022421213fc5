"""Workers: one pre-warmed ``grader.grading.runner`` each, inside a bubblewrap sandbox.

The sandbox has no network, a read-only view of only the Python install, the
``grader`` package and the datasets, and a private ``/tmp``; it cannot see the
course folder (gradebook, sources, other students) or anyone's home. As root,
each worker also gets a pids and a memory cgroup (v2 or v1, whichever has the
controllers), so a fork bomb or a memory bomb stops at the sandbox's edge; with
no cgroup to be had, a root grader runs its workers as an unprivileged user so
that the per-submission process limit still holds. Without bubblewrap the same
runner works with resource limits only, and :func:`sandbox_mode` says so.
"""

from __future__ import annotations

import errno
import json
import os
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from .. import paths
from ..errors import SandboxUnavailable
from ..messages import say

CGROUP_ROOT = Path("/sys/fs/cgroup")  # read at each use, so tests can point it at a fake cgroupfs
CONTROLLERS = ("memory", "pids")
KILL_ROUNDS = 100
MEMORY_HEADROOM = 1 << 30  # a worker's cgroup holds the warm zygote besides the submission
PROCESS_HEADROOM = 32  # bwrap, the sandbox's init, the runner and its helpers
UNPRIVILEGED = 65534  # "nobody": root ignores RLIMIT_NPROC, so without a cgroup workers run as this uid
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

    @property
    def worker_memory_bytes(self) -> int:
        """A worker's cgroup memory: one submission's, plus the warm libraries every child shares."""
        return self.memory_bytes + MEMORY_HEADROOM

    @property
    def worker_processes(self) -> int:
        """A worker's cgroup pids: one submission's, plus the sandbox's own processes."""
        return self.max_processes + PROCESS_HEADROOM


@dataclass(frozen=True)
class Confinement:
    """What bounds a whole worker besides the per-submission rlimits; the grade summary prints it."""

    version: str  # "v2", "v1" or "none"
    memory_bytes: int = 0
    processes: int = 0
    why: str = ""  # with "none": a key under ``limits.why``
    uid: int = 0  # the uid the worker runs as
    switched: bool = False  # a root grader ran the worker as ``uid`` so that RLIMIT_NPROC holds

    def describe(self) -> str:
        if self.version != "none":
            gib = f"{self.memory_bytes / (1 << 30):.1f} GiB"
            return say("limits.cgroup", version=self.version, memory=gib, processes=self.processes)
        why = say(f"limits.why.{self.why}")
        if self.uid == 0:
            return say("limits.rlimits_root", why=why)
        if self.switched:
            return say("limits.rlimits_as_user", why=why, uid=self.uid)
        return say("limits.rlimits", why=why)


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
    roots = {sys.base_prefix, sys.prefix, str(paths.PACKAGE), str(paths.datasets()), str(paths.GLOSSARY)}
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


READ_EVERYTHING = """
import os, sys
def fail(error):
    sys.exit(1)
for top in sys.argv[1:]:
    for folder, _, files in os.walk(top, onerror=fail):
        for name in files:
            open(os.path.join(folder, name), "rb").close()
"""


@cache
def can_run_as(uid: int, sandboxed: bool) -> bool:
    """Can a worker run as ``uid``: start (bwrap then needs a user namespace), read the package and data?

    Checked before switching, so that an unreadable dataset never turns into wrong grades.
    """
    argv = [sys.executable, "-c", READ_EVERYTHING, str(paths.PACKAGE), str(paths.datasets())]
    try:
        probe = subprocess.run(
            bwrap_command(argv) if sandboxed else argv,
            **_as_user(uid),
            env=None if sandboxed else {"PATH": SANDBOX_ENV["PATH"]},
            cwd="/",
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return probe.returncode == 0


def _as_user(uid: int | None) -> dict:
    """Popen arguments that start a process as ``uid`` with only that group."""
    return {} if uid is None else {"user": uid, "group": uid, "extra_groups": []}


_warned: set[Confinement] = set()
_warn_lock = threading.Lock()


def _warn(confinement: Confinement) -> None:
    """Say loudly, once, when a root grader has no cgroup: README promises one."""
    if confinement.version != "none" or os.geteuid() != 0:
        return
    with _warn_lock:
        if confinement in _warned:
            return
        _warned.add(confinement)
    print(say("limits.warning", limits=confinement.describe()), file=sys.stderr)


class Cgroups:
    """One worker's memory and pids limits in a cgroup: v2's unified tree, or v1's per-controller trees.

    The worker joins before it execs (:meth:`wrap`), so everything it starts is
    inside, even what leaves its session; :meth:`kill` ends all of it at once.
    When the machine gives no cgroup (not root, read-only cgroupfs, controllers
    not delegated), ``version`` is "none" and ``why`` says why.
    """

    def __init__(self, name: str, limits: Limits, root: Path | None = None):
        self.version, self.why, self.dirs = "none", "", []
        found = detect(root or CGROUP_ROOT)
        if found is None:
            self.why = "no_controllers"
            return
        version, top = found
        try:
            self.dirs = (_make_v2 if version == "v2" else _make_v1)(top, name, limits)
            self.version = version
        except OSError as exc:
            self.why = _why(exc)

    def wrap(self, argv: list[str]) -> list[str]:
        """Join the cgroups first, then exec: everything the worker starts stays inside."""
        if not self.dirs:
            return argv
        joins = " && ".join(f"echo $$ > {shlex.quote(str(d / 'cgroup.procs'))}" for d in self.dirs)
        return ["/bin/sh", "-c", f'{joins} && exec "$@"', "sh", *argv]

    def kill(self) -> None:
        """SIGKILL every process in the worker's cgroups, wherever it moved in the process tree."""
        for folder in self.dirs:
            _kill(folder)

    def remove(self) -> None:
        """Kill what is left, then remove the cgroups (the kernel refuses while a process is inside)."""
        self.kill()
        for folder in self.dirs:
            _remove(folder)


def detect(root: Path) -> tuple[str, Path] | None:
    """The hierarchy that has both the memory and the pids controller, and where it is.

    cgroup v2 at ``root`` (or ``root/unified`` on a hybrid host, which is only
    usable if the controllers are bound there), else cgroup v1 with one mount
    per controller under ``root``.
    """
    for top in (root, root / "unified"):
        if set(CONTROLLERS) <= set(_read(top / "cgroup.controllers").split()):
            return "v2", top
    if all((root / controller / "cgroup.procs").is_file() for controller in CONTROLLERS):
        return "v1", root
    return None


def _make_v2(top: Path, name: str, limits: Limits) -> list[Path]:
    """``top/ailab/<name>`` with memory.max and pids.max; v2 hands controllers down one level at a time."""
    base = top / "ailab"
    _enable(top)
    _mkdir(base)
    _remove_stale(base)
    _enable(base)
    settings = {"memory.max": limits.worker_memory_bytes, "pids.max": limits.worker_processes}
    return [_leaf(base / name, settings)]


def _make_v1(top: Path, name: str, limits: Limits) -> list[Path]:
    """``<controller>/ailab/<name>`` in each v1 hierarchy; all or nothing."""
    wanted = {
        "pids": {"pids.max": limits.worker_processes},
        "memory": {"memory.limit_in_bytes": limits.worker_memory_bytes},
    }
    made: list[Path] = []
    try:
        for controller, settings in wanted.items():
            base = top / controller / "ailab"
            _mkdir(base)
            _remove_stale(base)
            made.append(_leaf(base / name, settings))
    except OSError:
        for folder in made:
            _remove(folder)
        raise
    return made


def _enable(parent: Path) -> None:
    """Let ``parent``'s children have memory and pids limits (only a delegated subtree may)."""
    enabled = _read(parent / "cgroup.subtree_control").split()
    missing = [c for c in CONTROLLERS if c not in enabled]
    if missing:
        _write(parent / "cgroup.subtree_control", " ".join(f"+{c}" for c in missing))


def _leaf(folder: Path, settings: dict[str, int]) -> Path:
    """A worker's cgroup with its limits; removed again if a limit cannot be set."""
    _mkdir(folder)
    try:
        for key, value in settings.items():
            _write(folder / key, str(value))
    except OSError:
        _remove(folder)
        raise
    return folder


def _remove_stale(base: Path) -> None:
    """Kill and remove the cgroups of a killed batch: those whose grader (the name's first part) is gone."""
    for folder in base.iterdir():
        owner = folder.name.split("-")[0]
        if folder.is_dir() and owner.isdigit() and not Path("/proc", owner).exists():
            _kill(folder)
            _remove(folder)


def _kill(folder: Path) -> None:
    """SIGKILL a cgroup's processes: by cgroup.kill where there is one (v2, Linux 5.14), else one by one.

    One by one, a fork bomb can add processes between reading and killing, so
    this repeats until the cgroup is empty; its pids limit keeps that short.
    """
    if (folder / "cgroup.kill").exists():
        try:
            _write(folder / "cgroup.kill", "1")
            return
        except OSError:
            pass
    for _ in range(KILL_ROUNDS):
        if not [pid for pid in _procs(folder) if _signal(pid)]:
            return
        time.sleep(0.01)


def _procs(folder: Path) -> list[int]:
    return [int(p) for p in _read(folder / "cgroup.procs").split() if p.isdigit()]


def _signal(pid: int) -> bool:
    """SIGKILL ``pid``; False if it is already gone."""
    try:
        os.kill(pid, signal.SIGKILL)
        return True
    except OSError:
        return False


def _remove(folder: Path) -> None:
    """rmdir, retried briefly: the last killed processes may still be exiting."""
    for _ in range(50):
        try:
            _rmdir(folder)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


def _why(exc: OSError) -> str:
    """Why no cgroup, as a key under ``limits.why`` in the message catalogues."""
    if exc.errno == errno.EROFS:
        return "read_only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "denied" if os.geteuid() == 0 else "not_root"
    if exc.errno in (errno.EBUSY, errno.ENOENT, errno.EINVAL, errno.EOPNOTSUPP):
        return "not_delegated"
    return "failed"


# The only calls that touch cgroupfs, so that tests can put a fake kernel behind them.
def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def _write(path: Path, text: str) -> None:
    """Write to a file the kernel made; never create one (a missing file means a missing controller)."""
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _mkdir(path: Path) -> None:
    path.mkdir(exist_ok=True)


def _rmdir(path: Path) -> None:
    path.rmdir()


class Worker:
    """One runner process: starts warm, runs one notebook at a time, restarts if it dies."""

    def __init__(self, index: int, warm: list[str], limits: Limits, sandboxed: bool):
        self.index, self.warm, self.limits, self.sandboxed = index, warm, limits, sandboxed
        self.proc: subprocess.Popen | None = None
        self.cgroups: Cgroups | None = None
        self.confinement: Confinement | None = None
        self.scratch = ""
        self._buffer = b""
        self.restarts = 0

    def start(self) -> None:
        self.cgroups = Cgroups(f"{os.getpid()}-{self.index}-{self.restarts}", self.limits)
        uid = self._unprivileged_uid()
        argv = [sys.executable, "-m", "grader.grading.runner"]
        if self.sandboxed:
            argv, env, self.scratch = bwrap_command(argv), None, "/tmp/work"
        else:
            env = self._bare_env(uid)
        self.proc = subprocess.Popen(
            self.cgroups.wrap(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd="/",
            start_new_session=True,
            **_as_user(uid),
        )
        self.confinement = self._confinement(uid)
        _warn(self.confinement)
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

    def _unprivileged_uid(self) -> int | None:
        """As root without a cgroup, the uid to run the worker as so that RLIMIT_NPROC holds; else None."""
        if self.cgroups.version != "none" or os.geteuid() != 0:
            return None
        return UNPRIVILEGED if can_run_as(UNPRIVILEGED, self.sandboxed) else None

    def _bare_env(self, uid: int | None) -> dict:
        """Without bubblewrap: a scratch folder of the worker's own, and the sandbox's environment."""
        self.scratch = tempfile.mkdtemp(prefix=f"ailab-work{self.index}-")
        if uid is not None:
            os.chown(self.scratch, uid, uid)
        return {
            **SANDBOX_ENV,
            "PATH": os.environ.get("PATH", SANDBOX_ENV["PATH"]),
            "HOME": self.scratch,
            "MPLCONFIGDIR": os.path.join(self.scratch, ".mpl"),
            "AILAB_DATASETS": str(paths.datasets()),
        }

    def _confinement(self, uid: int | None) -> Confinement:
        """What bounds this worker, for the summary; ``uid`` is the one it was switched to, if any."""
        version, limits = self.cgroups.version, self.limits
        if version != "none":
            return Confinement(version, limits.worker_memory_bytes, limits.worker_processes, uid=os.geteuid())
        if uid is None:
            return Confinement("none", why=self.cgroups.why, uid=os.geteuid())
        return Confinement("none", why=self.cgroups.why, uid=uid, switched=True)

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
            self.cgroups.remove()  # kills first: what the worker started, even outside its session
        if not self.sandboxed and self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
