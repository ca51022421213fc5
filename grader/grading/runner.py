"""The process that runs student notebooks, inside the sandbox.

Started once per worker as ``python -m grader.grading.runner``. It imports the heavy
libraries a unit needs (numpy, torch, ...) and builds an IPython shell once,
then forks a fresh child for each submission: the child starts warm, runs the
cells, and answers probe requests with plain data. The parent (this
"zygote") enforces the per-cell and per-notebook time limits, kills every
process the child left behind, and wipes the scratch space before the next
submission, so one student's code cannot touch another's.

Protocol, one JSON object per line. stdin: ``{"warm": [...]}`` once, then
jobs ``{"id", "cells": [{"kind": "code"|"probe", "source", "exprs"}],
"cell_timeout", "notebook_timeout", "output_limit"}``. stdout: ``{"ready":
true}``, then one result per job ``{"id", "cells": {index: {...}}, "status",
"reason"}``. The child reports on a pipe of its own, one line
``{"cell": i, "outputs" | "probes": ...}`` per cell in order. Nothing here
imports nbgrader or trusts what a child says beyond recording it: verdicts are
made by the grader, outside the sandbox, and the time limits by this process's
own clock.
"""

from __future__ import annotations

import ctypes
import importlib
import io
import json
import os
import resource
import select
import shutil
import signal
import sys
import time

SCRATCH = "/tmp/work"
GRACE_S = 2.0  # after an interrupt, how long a cell may take to stop before the child is killed
SWEEP_S = 5.0  # how long the sweep waits for what it killed to be gone
REPORT_LIMIT = 128 << 20  # bytes of one cell's record: capped outputs and the largest probe values fit
PR_SET_DUMPABLE = 4
STOPPED = ("error", "stopped: the check ran past the time limit")
SKIPPED = ("error", "not run: a check before it ran past the time limit")


class Outputs(list):
    """One cell's outputs, at most ``limit`` characters of them, so 100 MB of output stays out.

    Text is cut where the budget ends, with a note; a display or a result that
    does not fit is left out, with the same note. Errors still count once the
    budget is spent (a plain nbgrader test fails on any error), so the latest
    one is kept, without its traceback.
    """

    def __init__(self, limit: int):
        super().__init__()
        self.limit, self.used, self.cut, self.late_error = limit, 0, False, False

    def text(self, name: str, text: str) -> None:
        if self.cut or not text:
            return
        piece = text[: self.limit - self.used]
        self.used += len(piece)
        if len(piece) < len(text):
            piece += self._cut()
        last = self[-1] if self else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += piece
        else:
            self.append({"output_type": "stream", "name": name, "text": piece})

    def add(self, output: dict) -> None:
        """A display or a result: whole if it fits, else left out."""
        if self.cut:
            return
        size = _size(output)
        if self.used + size > self.limit:
            self.append({"output_type": "stream", "name": "stdout", "text": self._cut()})
            return
        self.used += size
        self.append(output)

    def error(self, output: dict) -> None:
        """An error: whole if it fits, else only its name and message, replacing the last that did not fit."""
        size = _size(output)
        if not self.cut and self.used + size <= self.limit:
            self.used += size
            self.append(output)
            return
        if not self.cut:
            self.append({"output_type": "stream", "name": "stderr", "text": self._cut()})
        short = {
            "output_type": "error",
            "ename": str(output.get("ename", ""))[:200],
            "evalue": str(output.get("evalue", ""))[:200],
            "traceback": [],
        }
        if self.late_error:
            self[-1] = short  # once the budget is spent only late errors are added, so it is the last
        else:
            self.append(short)
            self.late_error = True

    def _cut(self) -> str:
        self.cut = True
        return f"\n[output truncated after {self.limit} characters]\n"


def _size(output: dict) -> int:
    try:
        return len(json.dumps(output, default=str))
    except (TypeError, ValueError, RecursionError):
        return sys.maxsize


class CappedText(io.TextIOBase):
    """A stdout/stderr stand-in that writes into the cell's capped outputs."""

    def __init__(self, name: str, sink: Outputs):
        self.name, self.sink = name, sink

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        self.sink.text(self.name, text)
        return len(text)


def make_shell():
    """An IPython shell whose displays, results and tracebacks land in ``shell.sink``."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class Hook(DisplayHook):
        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.shell.sink.add(
                {
                    "output_type": "execute_result",
                    "data": format_dict,
                    "metadata": md_dict or {},
                    "execution_count": self.prompt_count,
                }
            )

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
            self.shell.sink.add({"output_type": "display_data", "data": data, "metadata": metadata or {}})

        def clear_output(self, wait=False):
            pass

    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    shell.sink = Outputs(100_000)
    shell.displayhook = Hook(shell=shell, cache_size=0)
    shell.display_trap.hook = shell.displayhook
    shell.display_pub = Publisher(shell=shell)
    shell.colors = "NoColor"

    def showtraceback(etype, evalue, stb):
        shell.sink.error(
            {
                "output_type": "error",
                "ename": getattr(etype, "__name__", str(etype)),
                "evalue": str(evalue)[:2000],
                "traceback": [str(s)[:4000] for s in stb[-20:]],
            }
        )

    shell._showtraceback = showtraceback
    # Figures stay in memory (Agg): grading reads values, not pictures, so `%matplotlib` is a no-op.
    shell.register_magic_function(lambda line="": None, "line", "matplotlib")
    shell.enable_gui = lambda gui=None: None
    return shell


def warm_up(modules: list[str]):
    """Import what the unit needs once, so each child starts with it loaded."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional library only costs speed
            pass
    if "matplotlib" in sys.modules:
        from grader.fonts import use_cjk_fonts

        use_cjk_fonts()  # Chinese figure text in Chinese submissions
    return make_shell()


def child_main(shell, job: dict, out_fd: int) -> None:
    """Run one notebook in this forked child and report each cell on ``out_fd``.

    SIGINT (the zygote's "time is up") is honoured only while a cell or probe
    runs, so a late signal cannot break the bookkeeping between cells. A copy
    of this process that student code forked never reports and never runs
    another cell: it ends at the signal, or when its cell ends.
    """
    from grader.checks.check import evaluate

    out = os.fdopen(out_fd, "w", buffering=1)
    limit = int(job.get("output_limit", 100_000))
    namespace = shell.user_ns
    me = os.getpid()

    def time_is_up(signum, frame):
        if os.getpid() != me:
            os._exit(1)
        raise KeyboardInterrupt

    for index, cell in enumerate(job["cells"]):
        shell.sink = Outputs(limit)
        signal.signal(signal.SIGINT, time_is_up)
        if cell["kind"] == "probe":
            probes, stopped = [], False
            for expr in cell["exprs"]:
                if stopped:  # one interrupt per cell: a second hanging probe would hang unstopped
                    probes.append(SKIPPED)
                    continue
                try:
                    probes.append(evaluate(expr, namespace))
                except KeyboardInterrupt:
                    probes.append(STOPPED)
                    stopped = True
            record = {"cell": index, "probes": probes}
        else:
            sys.stdout = CappedText("stdout", shell.sink)
            sys.stderr = CappedText("stderr", shell.sink)
            try:
                shell.run_cell(cell["source"], store_history=True)
            except KeyboardInterrupt:
                shell.sink.error(
                    {
                        "output_type": "error",
                        "ename": "KeyboardInterrupt",
                        "evalue": "cell stopped: time limit",
                        "traceback": [],
                    }
                )
            finally:
                sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            record = {"cell": index, "outputs": shell.sink}
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if os.getpid() != me:
            os._exit(0)
        try:
            line = json.dumps(record, default=str)
        except (TypeError, ValueError, RecursionError):
            line = json.dumps({"cell": index, "outputs": [], "unencodable": True})
        out.write(line + "\n")
    out.flush()


def limit_child(job: dict) -> None:
    """Resource limits for the child and everything it starts."""
    page = os.sysconf("SC_PAGE_SIZE")
    with open("/proc/self/statm") as f:
        vsz = int(f.read().split()[0]) * page
    mem = int(job.get("memory_bytes", 3 << 30))
    cpu = int(job.get("cpu_seconds", 600))
    for res, value in (
        (resource.RLIMIT_AS, vsz + mem),
        (resource.RLIMIT_CPU, cpu),
        (resource.RLIMIT_FSIZE, 64 << 20),
        (resource.RLIMIT_NOFILE, 512),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.setrlimit(res, (value, value))
    if os.getuid() != 0:  # root ignores RLIMIT_NPROC; the grader uses a pids cgroup then
        nproc = int(job.get("max_processes", 128)) + _processes_of_this_user()
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))


def _processes_of_this_user() -> int:
    uid = os.getuid()
    return sum(1 for p in os.listdir("/proc") if p.isdigit() and _owner(p) == uid)


def _owner(pid: str) -> int:
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return -1


def fork_child(shell, job: dict, scratch: str):
    """Start the child for one job; returns its pid and the read end of its report pipe."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_fd)
        return pid, read_fd
    try:  # the child: cut every tie to the zygote before any student code runs
        os.close(read_fd)
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.closerange(3, write_fd)
        os.closerange(write_fd + 1, 65536)
        os.makedirs(scratch, exist_ok=True)
        os.chdir(scratch)  # a forked child's own working directory; the grader never changes its own
        limit_child(job)
        child_main(shell, job, write_fd)
    finally:
        os._exit(0)


def sweep(keep: set[int], sandboxed: bool, scratch: str) -> None:
    """Kill what the last child left behind, then wipe the scratch space.

    In the sandbox's own PID namespace that is every process but ``keep``, and
    all of its private ``/tmp``. Without a sandbox only the child's process
    group and scratch folder can be cleaned (the grader says so loudly).
    """
    if not sandboxed:
        _reap()
        shutil.rmtree(scratch, ignore_errors=True)
        return
    deadline = time.monotonic() + SWEEP_S
    while True:  # until they are gone, not merely signalled: a dying process still holds its pid and memory
        victims = [pid for pid in _alive() if pid not in keep]
        if not victims or time.monotonic() > deadline:
            break
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        _reap()
        time.sleep(0.01)
    for entry in os.listdir("/tmp"):
        path = os.path.join("/tmp", entry)
        try:
            shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)
        except OSError:
            pass


def _alive() -> list[int]:
    """Pids of the processes that have not exited (a zombie has, and only awaits its parent)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        if stat[stat.rindex(")") + 2] not in "ZX":
            pids.append(int(entry))
    return pids


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.01)
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return


def supervise(pid: int, read_fd: int, job: dict) -> dict:
    """Collect the child's reports while enforcing the time limits.

    Student code runs in the child and can write to its report pipe, so a line
    is believed only as the outputs of the cell whose turn it is, once. The
    clocks are this process's own: the notebook's deadline never moves, and a
    cell's clock starts when the previous cell's record arrives. Forged records
    thus buy at most one cell's time per cell, as an honest slow notebook gets.
    """
    total = len(job["cells"])
    cells: dict[int, dict] = {}
    status, reason = "graded", ""
    pending = bytearray()
    now = time.monotonic()
    notebook_deadline = now + float(job["notebook_timeout"])
    cell_timeout = float(job["cell_timeout"])
    cell_deadline = now + cell_timeout
    interrupted_at = timed_out = None
    while len(cells) < total:
        now = time.monotonic()
        if now > notebook_deadline:
            status, reason = "timeout", f"the notebook ran longer than {job['notebook_timeout']} s"
            break
        if interrupted_at is not None and now > interrupted_at + GRACE_S:
            status, reason = "timeout", "a cell ignored the stop signal"
            timed_out = len(cells)
            break
        if interrupted_at is None and now > cell_deadline:
            try:
                os.killpg(pid, signal.SIGINT)
            except OSError:
                pass
            interrupted_at = now
        ready, _, _ = select.select([read_fd], [], [], 0.05)
        if not ready:
            continue
        chunk = os.read(read_fd, 1 << 20)
        if not chunk:
            status, reason = _exit_reason(pid, cells, total)
            break
        pending += chunk
        lines = []
        if b"\n" in chunk:  # split only when a line ended: a 100 MB line costs one pass, not one per read
            *lines, rest = pending.split(b"\n")
            pending = bytearray(rest)
        if len(pending) > REPORT_LIMIT:
            status, reason = "killed", f"a cell sent the grader more than {REPORT_LIMIT >> 20} MB"
            break
        for raw in lines:
            try:
                msg = json.loads(raw)
            except ValueError:
                continue
            if not isinstance(msg, dict) or type(msg.get("cell")) is not int or msg["cell"] != len(cells):
                continue  # not the record of the cell in turn: forged, repeated or out of order
            if interrupted_at is not None:
                if not isinstance(msg.get("outputs"), list):
                    msg["outputs"] = []
                msg["outputs"].append(
                    {
                        "output_type": "error",
                        "ename": "TimeoutError",
                        "evalue": f"cell stopped after {cell_timeout:g} s",
                        "traceback": [],
                    }
                )
                status, reason, timed_out = "timeout", "a cell ran past the time limit", msg["cell"]
            cells[msg["cell"]] = msg
            interrupted_at, cell_deadline = None, time.monotonic() + cell_timeout
            if len(cells) == total:
                break
    os.close(read_fd)
    _wait_or_kill(pid)  # the child and everything in its process group
    return {
        "cells": cells,
        "status": status,
        "reason": reason,
        "timeout_cell": timed_out,
        "timeout_seconds": cell_timeout,
    }


def _exit_reason(pid: int, cells: dict, total: int) -> tuple[str, str]:
    """Why the report channel closed before the child said it was done."""
    code = None
    for _ in range(100):
        try:
            done, code = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            done, code = pid, 0
        if done:
            break
        time.sleep(0.01)
    else:
        return "killed", "the notebook closed the grader's report channel"
    if os.WIFSIGNALED(code):
        sig = signal.Signals(os.WTERMSIG(code)).name
        why = {
            "SIGKILL": "killed (memory or process limit)",
            "SIGXCPU": "CPU time limit",
            "SIGSEGV": "crashed (segmentation fault)",
            "SIGXFSZ": "file size limit",
        }.get(sig, sig)
        return "killed", f"the kernel died: {why}"
    return (
        "killed",
        f"the kernel exited after {len(cells)} of {total} cells (exit code {os.WEXITSTATUS(code)})",
    )


def _wait_or_kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def main() -> None:
    ctypes.CDLL(None).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # children cannot ptrace or read our fds
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout
    setup = json.loads(stdin.readline())
    sandboxed, scratch = bool(setup.get("sandboxed")), setup.get("scratch", SCRATCH)
    shell = warm_up(setup.get("warm", []))
    keep = {os.getpid(), 1}
    sweep(keep, sandboxed, scratch)
    stdout.write(json.dumps({"ready": True}) + "\n")
    stdout.flush()
    for line in stdin:
        job = json.loads(line)
        started = time.monotonic()
        pid, read_fd = fork_child(shell, job, scratch)
        result = supervise(pid, read_fd, job)
        sweep(keep, sandboxed, scratch)
        result.update(id=job["id"], seconds=time.monotonic() - started)
        stdout.write(json.dumps(result, default=str) + "\n")
        stdout.flush()


if __name__ == "__main__":
    main()
