"""Real workers on this machine: their cgroups as the kernel reports them, and the fallback without one.

The limits are read back the way an administrator would: from the worker
process's own ``/proc/<pid>/cgroup`` to its cgroup's limit files. As root on
Linux with a writable cgroupfs a cgroup is required, so that a machine where
grading has none fails here instead of passing quietly.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest

from grader.authoring import units
from grader.grading import sandbox
from grader.grading.grade import grade, summary_table
from grader.grading.sandbox import UNPRIVILEGED, Confinement, Limits, Worker
from grader.instructor import sampleclass
from tests.helpers import release_nb, submit

from .fakecgroupfs import alive

LIMITS = Limits(memory_bytes=768 << 20, max_processes=24)
ROOT_ONLY = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0, reason="cgroups and uid switching need root"
)


def cgroup_mounts() -> dict[str, tuple[Path, bool]]:
    """Controller ("memory", "pids", or "unified" for cgroup2) -> (mount point, mounted read-write)."""
    found = {}
    for line in Path("/proc/self/mounts").read_text().splitlines():
        _, where, kind, options, *_ = line.split()
        opts = options.split(",")
        names = ["unified"] if kind == "cgroup2" else [o for o in opts if o in ("memory", "pids")]
        for name in names if kind in ("cgroup", "cgroup2") else []:
            found[name] = (Path(where), "rw" in opts)
    return found


def limits_of(pid: int) -> tuple[str, int, int]:
    """(version, memory bytes, pids) from the cgroup files of the cgroups ``pid`` itself is in."""
    mounts, v1, v2 = cgroup_mounts(), {}, "/"
    for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
        number, controllers, path = line.split(":", 2)
        if number == "0":
            v2 = path
        for controller in controllers.split(","):
            v1[controller] = path
    if "memory" in v1 and "pids" in v1:
        memory = mounts["memory"][0] / v1["memory"].lstrip("/") / "memory.limit_in_bytes"
        pids = mounts["pids"][0] / v1["pids"].lstrip("/") / "pids.max"
        return "v1", int(memory.read_text()), int(pids.read_text())
    folder = mounts["unified"][0] / v2.lstrip("/")
    return "v2", int((folder / "memory.max").read_text()), int((folder / "pids.max").read_text())


def descendants(pid: int) -> list[int]:
    parent = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent[int(entry)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    found, todo = [], [pid]
    while todo:
        here = todo.pop()
        children = [p for p, pp in parent.items() if pp == here]
        found += children
        todo += children
    return found


@pytest.fixture
def this_machine() -> str:
    """The cgroup version a root grader gets here; skips (visibly) only where none can be expected."""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("cgroups are made only as root on Linux")
    if not any(rw for _, rw in cgroup_mounts().values()):
        pytest.skip("no cgroupfs is mounted read-write here")
    probe = sandbox.Cgroups(f"{os.getpid()}-probe-0", LIMITS)
    probe.remove()
    assert probe.version != "none", f"root, Linux, a writable cgroupfs, and no cgroup: {probe.why}"
    return probe.version


def run_cell(worker: Worker, source: str) -> str:
    result = worker.run([{"kind": "code", "source": source, "index": 0}])
    return "".join(o.get("text", "") for o in result["cells"][0]["outputs"])


def test_a_real_worker_and_its_runner_are_in_cgroups_with_the_limits(this_machine):
    worker = Worker(0, [], LIMITS, sandboxed=sandbox.bwrap_works())
    worker.start()
    try:
        inside = [worker.proc.pid, *descendants(worker.proc.pid)]
        assert len(inside) >= 2  # the worker and, under it, the runner
        expected = (this_machine, LIMITS.worker_memory_bytes, LIMITS.worker_processes)
        assert {pid: limits_of(pid) for pid in inside} == dict.fromkeys(inside, expected)
        assert worker.confinement == Confinement(this_machine, *expected[1:], uid=0)
        dirs = worker.cgroups.dirs
    finally:
        worker.stop()
    assert dirs and not any(d.exists() for d in dirs)


LEAVE_THE_SESSION = "import subprocess\nprint(subprocess.Popen(['sleep', '600'], start_new_session=True).pid)"


def test_stopping_a_worker_kills_what_left_its_session(this_machine):
    """Without bubblewrap there is no PID namespace to end: only the cgroup finds this process."""
    worker = Worker(0, [], LIMITS, sandboxed=False)
    worker.start()
    try:
        stray = int(run_cell(worker, LEAVE_THE_SESSION))
        assert alive(stray)
    finally:
        worker.stop()
    for _ in range(100):  # the kill is sent; the process may take a moment to go
        if not alive(stray):
            break
        time.sleep(0.02)
    assert not alive(stray)


def test_a_batch_reports_its_cgroup_in_the_summary(this_machine, course_copy, monkeypatch):
    monkeypatch.setenv("AILAB_LANG", "en")
    empty = sampleclass.samples(units.get("ic-t1"), release_nb(course_copy, "ic-t1"))["empty"]
    submit(course_copy, "ic-t1", "alice", empty)
    report = grade("ic-t1", course_copy.root, workers=1, progress=False)
    default = Limits()
    expected = Confinement(this_machine, default.worker_memory_bytes, default.worker_processes, uid=0)
    assert report.confinement == expected
    row = summary_table(report).splitlines()[-1]
    assert f"| cgroup {this_machine}: memory 3.0 GiB, 160 processes |" in row


@pytest.fixture
def no_cgroup(tmp_path, monkeypatch):
    """A machine with no cgroup controllers at all, and warnings not yet given."""
    monkeypatch.setattr(sandbox, "CGROUP_ROOT", tmp_path / "no-cgroupfs")
    monkeypatch.setattr(sandbox, "_warned", set())


def uid_of(pid: int) -> int:
    return int(re.search(r"^Uid:\s+(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M).group(1))


@ROOT_ONLY
def test_root_without_a_cgroup_and_no_uid_to_switch_to_says_there_is_no_process_limit(
    no_cgroup, monkeypatch, capsys
):
    monkeypatch.setattr(sandbox, "can_run_as", lambda uid, sandboxed: False)
    worker = Worker(0, [], LIMITS, sandboxed=False)
    worker.start()
    try:
        assert uid_of(worker.proc.pid) == 0
        assert worker.confinement == Confinement("none", why="no_controllers", uid=0)
    finally:
        worker.stop()
    assert capsys.readouterr().err == (
        "WARNING: rlimits only (no cgroup: no memory and pids controllers mounted); NO process limit, "
        "as root ignores RLIMIT_NPROC. A memory or fork bomb is stopped only by each submission's own "
        "limits and the time limits.\n"
    )


@ROOT_ONLY
def test_root_without_a_cgroup_starts_workers_as_an_unprivileged_uid(no_cgroup, monkeypatch):
    """Checked at the moment of starting: the end-to-end test below needs a Python that uid can read."""
    started = {}

    def spy(argv, **kwargs):
        started.update(kwargs, scratch_owner=os.stat(kwargs["env"]["HOME"]).st_uid)
        raise RuntimeError("stop here")

    monkeypatch.setattr(sandbox, "can_run_as", lambda uid, sandboxed: True)
    monkeypatch.setattr(sandbox.subprocess, "Popen", spy)
    worker = Worker(0, [], LIMITS, sandboxed=False)
    with pytest.raises(RuntimeError, match="stop here"):
        worker.start()
    worker.stop()
    assert (started["user"], started["group"], started["extra_groups"]) == (UNPRIVILEGED, UNPRIVILEGED, [])
    assert started["scratch_owner"] == UNPRIVILEGED


FORK_PAST_THE_LIMIT = """
import os, time
forks = 0
try:
    for _ in range(200):
        if os.fork() == 0:
            time.sleep(5)
            os._exit(0)
        forks += 1
except OSError as exc:
    print("refused after", forks, exc.errno)
else:
    print("never refused")
"""


@ROOT_ONLY
@pytest.mark.parametrize("sandboxed", [True, False])
def test_without_a_cgroup_the_process_limit_holds_for_a_root_grader(no_cgroup, sandboxed):
    if sandboxed and not sandbox.bwrap_works():
        pytest.skip("bubblewrap is not available")
    if not sandbox.can_run_as(UNPRIVILEGED, sandboxed):
        pytest.skip(f"uid {UNPRIVILEGED} cannot run this Python install, the package or the datasets")
    worker = Worker(0, [], LIMITS, sandboxed=sandboxed)
    worker.start()
    try:
        assert uid_of(worker.proc.pid) == UNPRIVILEGED
        switched = Confinement("none", why="no_controllers", uid=UNPRIVILEGED, switched=True)
        assert worker.confinement == switched
        refused = re.fullmatch(r"refused after (\d+) 11\n", run_cell(worker, FORK_PAST_THE_LIMIT))
        assert refused and int(refused.group(1)) <= LIMITS.max_processes
    finally:
        worker.stop()
