"""Per-worker cgroups against a fake cgroupfs: v2 and v1 layouts, the exact files, joining, kill, removal."""

from __future__ import annotations

import errno
import os
import subprocess
import time

import pytest

from grader.grading import sandbox
from grader.grading.grade import Pool, Report, summary_table
from grader.grading.sandbox import Cgroups, Confinement, Limits

from .fakecgroupfs import FakeCgroupfs

LIMITS = Limits(memory_bytes=1 << 30, max_processes=64)
MEMORY, PIDS = str((1 << 30) + (1 << 30)), str(64 + 32)  # a submission's, plus the worker's headroom
NAME = f"{os.getpid()}-0-0"
DEAD_GRADER = "999999999"  # above any pid_max: the batch that made its cgroups was killed


@pytest.fixture
def v2(tmp_path, monkeypatch):
    return FakeCgroupfs(tmp_path / "cgroup", "v2", monkeypatch)


@pytest.fixture
def v1(tmp_path, monkeypatch):
    return FakeCgroupfs(tmp_path / "cgroup", "v1", monkeypatch)


def sleeper(cgroups: Cgroups) -> subprocess.Popen:
    """A process started the way a worker is: joined to its cgroups before it execs."""
    proc = subprocess.Popen(cgroups.wrap(["sleep", "60"]))
    for _ in range(500):  # until the shell has written itself into the cgroups and exec'd
        joined = all(FakeCgroupfs.procs(d) == [proc.pid] for d in cgroups.dirs)
        if joined and _comm(proc.pid) == "sleep\n":
            break
        time.sleep(0.01)
    return proc


def _comm(pid: int) -> str:
    """The process's program name (``sh`` until the joined shell execs the worker)."""
    try:
        return open(f"/proc/{pid}/comm").read()
    except OSError:
        return ""


def test_the_worker_limits_come_from_the_submission_limits():
    assert (LIMITS.worker_memory_bytes, LIMITS.worker_processes) == (int(MEMORY), int(PIDS))


def test_v2_enables_the_controllers_top_down_and_writes_memory_max_and_pids_max(v2):
    cgroups = Cgroups(NAME, LIMITS)
    assert (cgroups.version, cgroups.why) == ("v2", "")
    assert cgroups.dirs == [v2.root / "ailab" / NAME]
    assert v2.writes == [
        ("cgroup.subtree_control", "+memory +pids"),
        ("ailab/cgroup.subtree_control", "+memory +pids"),
        (f"ailab/{NAME}/memory.max", MEMORY),
        (f"ailab/{NAME}/pids.max", PIDS),
    ]
    assert (v2.root / "ailab" / NAME / "memory.max").read_text() == MEMORY
    assert (v2.root / "ailab" / NAME / "pids.max").read_text() == PIDS


def test_v2_leaves_a_subtree_that_already_delegates_the_controllers_alone(v2):
    (v2.root / "cgroup.subtree_control").write_text("memory pids\n")
    v2.no_internal_processes = True  # a container's cgroup: it could not enable them itself
    assert Cgroups(NAME, LIMITS).version == "v2"
    assert [path for path, _ in v2.writes] == [
        "ailab/cgroup.subtree_control",
        f"ailab/{NAME}/memory.max",
        f"ailab/{NAME}/pids.max",
    ]


def test_v1_writes_pids_max_and_memory_limit_in_bytes_in_each_hierarchy(v1):
    cgroups = Cgroups(NAME, LIMITS)
    assert (cgroups.version, cgroups.why) == ("v1", "")
    assert cgroups.dirs == [v1.root / "pids" / "ailab" / NAME, v1.root / "memory" / "ailab" / NAME]
    assert v1.writes == [
        (f"pids/ailab/{NAME}/pids.max", PIDS),
        (f"memory/ailab/{NAME}/memory.limit_in_bytes", MEMORY),
    ]


@pytest.mark.parametrize("layout", ["v2", "v1"])
def test_the_worker_joins_before_it_execs_and_stop_kills_and_removes(layout, request):
    fake = request.getfixturevalue(layout)
    cgroups = Cgroups(NAME, LIMITS)
    proc = sleeper(cgroups)
    try:
        assert [FakeCgroupfs.procs(d) for d in cgroups.dirs] == [[proc.pid]] * len(cgroups.dirs)
        assert open(f"/proc/{proc.pid}/comm").read() == "sleep\n"  # exec'd: the joined shell is the worker
        cgroups.kill()
        assert proc.wait(timeout=5) == -9
        if layout == "v2":
            assert fake.writes[-1] == (f"ailab/{NAME}/cgroup.kill", "1")
        cgroups.remove()
        assert not any(d.exists() for d in cgroups.dirs)
    finally:
        proc.kill()
        proc.wait()


def test_v1_kills_each_process_in_cgroup_procs(v1):
    """No cgroup.kill in v1: every pid listed is killed, also ones outside the worker's session."""
    cgroups = Cgroups(NAME, LIMITS)
    strays = [subprocess.Popen(["sleep", "60"], start_new_session=True) for _ in range(3)]
    for folder in cgroups.dirs:
        (folder / "cgroup.procs").write_text("".join(f"{p.pid}\n" for p in strays))
    cgroups.kill()
    assert [p.wait(timeout=5) for p in strays] == [-9, -9, -9]


@pytest.mark.parametrize("layout", ["v2", "v1"])
def test_a_killed_batch_s_cgroups_are_killed_and_removed_and_a_running_batch_s_kept(layout, request):
    fake = request.getfixturevalue(layout)
    running = Cgroups(f"{os.getpid()}-1-0", LIMITS)  # another worker of a grader that is alive
    stale = Cgroups(f"{DEAD_GRADER}-1-0", LIMITS)
    left = sleeper(stale)
    try:
        fake.writes.clear()
        fresh = Cgroups(NAME, LIMITS)
        assert left.wait(timeout=5) == -9
        assert not any(d.exists() for d in stale.dirs)
        assert all(d.exists() for d in running.dirs + fresh.dirs)
        if layout == "v2":
            assert (f"ailab/{DEAD_GRADER}-1-0/cgroup.kill", "1") in fake.writes
    finally:
        left.kill()
        left.wait()


def test_a_hybrid_host_uses_v1_when_its_unified_mount_has_no_controllers(v1):
    assert sandbox.detect(v1.root) == ("v1", v1.root)
    (v1.root / "unified" / "cgroup.controllers").write_text("memory pids\n")
    assert sandbox.detect(v1.root) == ("v2", v1.root / "unified")


def test_without_memory_and_pids_controllers_there_is_no_cgroup(tmp_path, monkeypatch):
    fake = FakeCgroupfs(tmp_path / "cgroup", "v2", monkeypatch)
    (fake.root / "cgroup.controllers").write_text("cpu io memory\n")
    cgroups = Cgroups(NAME, LIMITS)
    assert (cgroups.version, cgroups.why, cgroups.dirs) == ("none", "no_controllers", [])
    assert cgroups.wrap(["python"]) == ["python"]


def test_controllers_a_container_cannot_enable_mean_no_cgroup_and_nothing_left_behind(v2):
    v2.no_internal_processes = True
    cgroups = Cgroups(NAME, LIMITS)
    assert (cgroups.version, cgroups.why) == ("none", "not_delegated")
    assert not (v2.root / "ailab").exists()


@pytest.mark.parametrize(
    ("error", "euid", "why"),
    [
        (errno.EROFS, 0, "read_only"),
        (errno.EACCES, 1000, "not_root"),
        (errno.EACCES, 0, "denied"),
        (errno.EBUSY, 0, "not_delegated"),
    ],
)
def test_why_there_is_no_cgroup(v1, monkeypatch, error, euid, why):
    def refuse(path):
        raise OSError(error, os.strerror(error), str(path))

    monkeypatch.setattr(sandbox, "_mkdir", refuse)
    monkeypatch.setattr(sandbox.os, "geteuid", lambda: euid)
    assert (Cgroups(NAME, LIMITS).version, Cgroups(NAME, LIMITS).why) == ("none", why)


def test_a_failed_limit_leaves_no_half_made_cgroup(v1, monkeypatch):
    def no_memory_file(path, text):
        if path.name == "memory.limit_in_bytes":
            raise OSError(errno.EACCES, "refused", str(path))
        v1.write(path, text)

    monkeypatch.setattr(sandbox, "_write", no_memory_file)
    cgroups = Cgroups(NAME, LIMITS)
    assert (cgroups.version, cgroups.dirs) == ("none", [])
    assert not (v1.root / "pids" / "ailab" / NAME).exists()
    assert not (v1.root / "memory" / "ailab" / NAME).exists()


CGROUP_V2 = Confinement("v2", 2 << 30, 512, uid=0)
NOBODY = Confinement("none", why="not_delegated", uid=65534, switched=True)


@pytest.mark.parametrize(
    ("confinement", "english", "chinese"),
    [
        (CGROUP_V2, "cgroup v2: memory 2.0 GiB, 512 processes", "cgroup v2：内存 2.0 GiB，最多 512 个进程"),
        (
            Confinement("v1", 3 << 30, 160, uid=0),
            "cgroup v1: memory 3.0 GiB, 160 processes",
            "cgroup v1：内存 3.0 GiB，最多 160 个进程",
        ),
        (
            Confinement("none", why="not_root", uid=1000),
            "rlimits only (no cgroup: not root)",
            "仅有 rlimit 限制（未使用 cgroup：当前用户不是 root）",
        ),
        (
            NOBODY,
            "rlimits only (no cgroup: memory and pids controllers not delegated); "
            "workers run as uid 65534 so that the process limit holds",
            "仅有 rlimit 限制（未使用 cgroup：memory 和 pids 控制器没有委派给本程序）；"
            "评分进程以 uid 65534 运行，进程数限制有效",
        ),
        (
            Confinement("none", why="read_only", uid=0),
            "rlimits only (no cgroup: cgroupfs is read-only); NO process limit, as root ignores RLIMIT_NPROC",
            "仅有 rlimit 限制（未使用 cgroup：cgroup 文件系统是只读的）；"
            "没有进程数限制，因为 root 不受 RLIMIT_NPROC 约束",
        ),
    ],
)
def test_the_summary_says_which_limits_were_in_force(monkeypatch, confinement, english, chinese):
    report = Report("ic-t1", [], 1.0, 2, True, 0, confinement)
    for lang, header, text in (("en", "Worker limits", english), ("zh_CN", "评分进程限制", chinese)):
        monkeypatch.setenv("AILAB_LANG", lang)
        *_, head, _, row = summary_table(report).splitlines()
        assert f"| {header} |" in head and f"| {text} |" in row


def test_the_batch_reports_its_weakest_worker():
    pool = Pool(3, [], LIMITS, sandboxed=False)
    assert pool.confinement() is None  # no worker ran
    pool.all[0].confinement = pool.all[2].confinement = CGROUP_V2
    assert pool.confinement() == CGROUP_V2
    pool.all[1].confinement = NOBODY
    assert pool.confinement() == NOBODY
