"""A cgroup filesystem in a temporary folder, with the few kernel rules the sandbox relies on.

``sandbox`` touches cgroupfs only through ``_read``, ``_mkdir``, ``_write``
and ``_rmdir``; this fake stands behind those four, so the code under test
runs unchanged against a v1 or a v2 layout:

- mkdir makes a cgroup's control files: v1 its controller's limit file; v2
  ``cgroup.kill`` and the limit files of the controllers its parent enables;
- writing a file that is not there fails (it is a controller that is not there);
- ``cgroup.subtree_control`` takes ``+controller`` only for controllers in
  ``cgroup.controllers``, and refuses (EBUSY) in a non-root cgroup that holds
  processes, as the kernel's no-internal-processes rule does;
- ``cgroup.kill`` SIGKILLs every process in ``cgroup.procs``, which lists
  live processes only (one that exited leaves it, zombie or not);
- rmdir refuses while a live process is inside, or a child cgroup.

Every write is recorded, relative to the root, so tests can assert them exactly.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
from pathlib import Path

import pytest

from grader.grading import sandbox

V1_LIMIT_FILES = {"memory": "memory.limit_in_bytes", "pids": "pids.max"}
V2_LIMIT_FILES = {"memory": "memory.max", "pids": "pids.max"}


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie (the kernel drops exited ones from cgroup.procs)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] not in "ZX"


class FakeCgroupfs:
    def __init__(self, root: Path, version: str, monkeypatch: pytest.MonkeyPatch):
        self.root, self.version = root, version
        self.writes: list[tuple[str, str]] = []
        self.real_read, self.real_write = sandbox._read, sandbox._write
        self.no_internal_processes = False  # True: the root is a container's cgroup, not the real root
        if version == "v1":
            for controller in V1_LIMIT_FILES:
                self._touch(root / controller / "cgroup.procs")
            self._touch(root / "unified" / "cgroup.controllers")  # a hybrid host's empty v2 mount
        else:
            self._touch(root / "cgroup.controllers", "cpu io memory pids\n")
            self._touch(root / "cgroup.subtree_control")
            self._touch(root / "cgroup.procs", "1\n")
        monkeypatch.setattr(sandbox, "CGROUP_ROOT", root)
        monkeypatch.setattr(sandbox, "_read", self.read)
        monkeypatch.setattr(sandbox, "_mkdir", self.mkdir)
        monkeypatch.setattr(sandbox, "_write", self.write)
        monkeypatch.setattr(sandbox, "_rmdir", self.rmdir)

    @staticmethod
    def _touch(path: Path, text: str = "") -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def rel(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    def read(self, path: Path) -> str:
        text = self.real_read(path)
        if path.name == "cgroup.procs":
            return "".join(f"{pid}\n" for pid in text.split() if alive(int(pid)))
        return text

    def mkdir(self, path: Path) -> None:
        if path.is_dir():
            return
        path.mkdir()
        self._touch(path / "cgroup.procs")
        if self.version == "v1":
            controller = path.relative_to(self.root).parts[0]
            self._touch(path / V1_LIMIT_FILES[controller], "max\n")
            return
        enabled = (path.parent / "cgroup.subtree_control").read_text().split()
        self._touch(path / "cgroup.controllers", " ".join(enabled) + "\n")
        self._touch(path / "cgroup.subtree_control")
        self._touch(path / "cgroup.kill")
        for controller in enabled:
            self._touch(path / V2_LIMIT_FILES[controller], "max\n")

    def write(self, path: Path, text: str) -> None:
        self.writes.append((self.rel(path), text))
        if path.name == "cgroup.subtree_control":
            self._enable(path.parent, text)
        elif path.name == "cgroup.kill":
            for pid in self.procs(path.parent):
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
        else:
            if path.exists():
                os.truncate(path, 0)  # the kernel replaces a value; a plain file would keep the tail
            self.real_write(path, text)

    def _enable(self, folder: Path, text: str) -> None:
        available = (folder / "cgroup.controllers").read_text().split()
        wanted = [token.removeprefix("+") for token in text.split()]
        if any(c not in available for c in wanted):
            raise OSError(errno.ENOENT, "controller not available", str(folder))
        if self.procs(folder) and (folder != self.root or self.no_internal_processes):
            raise OSError(errno.EBUSY, "cgroup has processes", str(folder))
        enabled = (folder / "cgroup.subtree_control").read_text().split()
        (folder / "cgroup.subtree_control").write_text(" ".join(sorted({*enabled, *wanted})) + "\n")

    def rmdir(self, path: Path) -> None:
        if not path.is_dir():
            raise FileNotFoundError(errno.ENOENT, "no such cgroup", str(path))
        if [p for p in self.procs(path) if alive(p)] or [p for p in path.iterdir() if p.is_dir()]:
            raise OSError(errno.EBUSY, "cgroup busy", str(path))
        shutil.rmtree(path)

    @staticmethod
    def procs(folder: Path) -> list[int]:
        return [int(p) for p in (folder / "cgroup.procs").read_text().split()]
