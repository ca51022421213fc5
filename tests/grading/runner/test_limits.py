"""Resource limits, one batch of ic-t1: each bomb ends with an exact status and cause, and costs only itself.

The bombs that end a notebook (memory, processes, a flooded report pipe) come
after every answer, so the answers before them must keep all their points;
the output bombs come in the middle, where the notebook goes on as usual.
Grading refuses to run without bubblewrap here: these bombs are not for a
bare machine.
"""

from __future__ import annotations

import re
import shutil

import nbformat
import pytest

from grader.authoring import units
from grader.grading.grade import grade
from grader.grading.sandbox import Limits
from grader.instructor import sampleclass
from grader.paths import Course
from tests.helpers import release_nb, submit

from .spy import Jobs, with_cell

UNIT = "ic-t1"
FULL = 11.0  # ic-t1's automatic points: q1 1, q2 2, q3 1, q4 1, q5 2, q6 2, q7 2
OUTPUT_LIMIT = 10_000
MAX_PROCESSES = 16
PIDS_SLACK = 32  # sandbox.Cgroups gives the sandbox max_processes + 32 pids; as a user RLIMIT_NPROC is lower
LIMITS = Limits(
    cell_timeout=3,
    notebook_timeout=30,
    memory_bytes=512 << 20,
    max_processes=MAX_PROCESSES,
    output_limit=OUTPUT_LIMIT,
)
CUT = f"\n[output truncated after {OUTPUT_LIMIT} characters]\n"

MEMORY_BOMB = "hog = []\nwhile True:\n    hog.append(bytearray(64 << 20))"
FORK_BOMB = (
    "import os, time\n"
    "while True:\n"
    "    try:\n"
    "        os.fork()\n"
    "    except OSError:\n"
    "        time.sleep(0.5)  # every copy forks again; at the limit they wait, so the machine stays usable"
)
FORK_TO_THE_LIMIT = (
    "import errno, os, time\n"
    "forks = 0\n"
    "while True:\n"
    "    try:\n"
    "        pid = os.fork()\n"
    "    except OSError as exc:\n"
    "        print('refused after', forks, 'forks:', errno.errorcode[exc.errno])\n"
    "        break\n"
    "    if pid == 0:\n"
    "        os.setsid()  # out of the notebook's process group: only the sweep can find it\n"
    "        time.sleep(1000)\n"
    "    forks += 1"
)
PRINT_100MB = "print('x' * 100_000_000)"
STDERR_100MB = "import sys\nfor _ in range(100_000):\n    print('y' * 1000, file=sys.stderr)"
DISPLAY_100MB = "from IPython.display import display\nfor _ in range(100):\n    display('z' * 1_000_000)"
RESULT_100MB = "'w' * 100_000_000"
ERROR_AFTER_100MB = "print('v' * 100_000_000)\nraise ValueError('after the flood')"
STRAY_FORK = "import os\nos.fork()  # both processes go on from here"
# The copy catches the interrupt and spins on; the child is stopped at the cell timeout and goes on.
STUBBORN_COPY = (
    "import os\n"
    "if os.fork() == 0:\n"
    "    while True:\n"
    "        try:\n"
    "            while True:\n"
    "                pass\n"
    "        except KeyboardInterrupt:\n"
    "            pass\n"
    "while True:\n"
    "    pass"
)
COUNT_PROCESSES = (
    "import os, time\n"
    "def live():\n"
    "    n = 0\n"
    "    for p in os.listdir('/proc'):\n"
    "        if not p.isdigit():\n"
    "            continue\n"
    "        try:\n"
    "            stat = open(f'/proc/{p}/stat').read()\n"
    "        except OSError:\n"
    "            continue\n"
    "        n += stat[stat.rindex(')') + 2] not in 'ZX'\n"
    "    return n\n"
    "end = time.time() + 2\n"
    "while live() > 3 and time.time() < end:\n"
    "    time.sleep(0.05)\n"
    "print(live(), 'processes')"
)
FLOOD_REPORT_PIPE = (
    "import os\n"
    "block = b'x' * (1 << 20)\n"
    "for fd in range(3, 64):\n"
    "    try:\n"
    "        for _ in range(200):\n"
    "            os.write(fd, block)\n"
    "    except OSError:\n"
    "        pass"
)


@pytest.fixture(scope="module")
def batch(released, tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("limits") / "course")
    shutil.copytree(released.root, course.root)
    release = release_nb(course, UNIT)
    correct = sampleclass.samples(units.get(UNIT), release)["correct"]
    outputs = correct
    bombs = [PRINT_100MB, STDERR_100MB, DISPLAY_100MB, RESULT_100MB, ERROR_AFTER_100MB]
    for offset, source in enumerate(bombs):
        outputs = with_cell(outputs, "output", source, at=17 + offset)  # after q2, before q3
    strays = correct
    for offset, source in enumerate([STRAY_FORK, COUNT_PROCESSES, STUBBORN_COPY, COUNT_PROCESSES]):
        strays = with_cell(strays, "stray-copies", source, at=17 + offset)  # after q2, before q3
    subs = {
        "correct": with_cell(correct, "correct", "pass"),
        "stray-copies": strays,
        "memory-bomb": with_cell(correct, "memory-bomb", MEMORY_BOMB),
        "fork-bomb": with_cell(correct, "fork-bomb", FORK_BOMB),
        "fork-to-the-limit": with_cell(correct, "fork-to-the-limit", FORK_TO_THE_LIMIT),
        "output": outputs,
        "report-flood": with_cell(correct, "report-flood", FLOOD_REPORT_PIPE),
    }
    for student, nb in subs.items():
        submit(course, UNIT, student, nb)
    jobs = Jobs()
    with pytest.MonkeyPatch.context() as mp:
        jobs.install(mp)
        report = grade(UNIT, course.root, workers=2, require_sandbox=True, limits=LIMITS, progress=False)
    # a cell added at the end has the release's cell count as its index
    return {
        "course": course,
        "rows": {r.student_id: r for r in report.rows},
        "jobs": jobs,
        "last": len(release.cells),
    }


def _graded(course, student):
    path = course.autograded(UNIT, student) / f"{UNIT}.ipynb"
    return path, nbformat.read(path, as_version=4)


def _row(batch, student):
    row = batch["rows"][student]
    return row.score, row.status, row.message


def test_the_correct_notebook_is_graded_in_full_within_these_limits(batch):
    """The limits here are small: the other expectations mean something only if honest work fits them."""
    assert _row(batch, "correct") == (FULL, "graded", "all checks passed")


def test_a_memory_bomb_is_stopped_by_the_address_space_limit_and_the_answers_before_it_count(batch):
    """RLIMIT_AS makes it a MemoryError in its cell; without it the memory cgroup would kill the kernel."""
    assert _row(batch, "memory-bomb") == (FULL, "graded", "all checks passed")
    _, nb = _graded(batch["course"], "memory-bomb")
    assert [(o.output_type, o.ename) for o in nb.cells[batch["last"]].outputs] == [("error", "MemoryError")]


def test_a_fork_bomb_is_stopped_at_the_cell_timeout_and_the_answers_before_it_count(batch):
    """The interrupt ends every copy; if CPython loses it in os.fork's hooks, SIGKILL follows the grace."""
    assert _row(batch, "fork-bomb") == (
        FULL,
        "timeout",
        f"cell {batch['last'] + 1} ran longer than 3 s and was stopped",
    )


def test_forking_stops_at_the_process_limit(batch):
    assert _row(batch, "fork-to-the-limit") == (FULL, "graded", "all checks passed")
    _, nb = _graded(batch["course"], "fork-to-the-limit")
    (out,) = nb.cells[batch["last"]].outputs
    forks = re.fullmatch(r"refused after (\d+) forks: EAGAIN\n", out.text)
    assert forks and int(forks.group(1)) < MAX_PROCESSES + PIDS_SLACK, out.text


def test_copies_of_the_kernel_that_student_code_forks_never_run_another_cell(batch):
    """Only the sandbox's init, the runner and the child itself are left once a copy's cell has ended."""
    assert _row(batch, "stray-copies") == (FULL, "timeout", "cell 20 ran longer than 3 s and was stopped")
    _, nb = _graded(batch["course"], "stray-copies")
    assert [o.text for o in nb.cells[18].outputs] == ["3 processes\n"]
    assert [o.text for o in nb.cells[20].outputs if o.output_type == "stream"] == ["3 processes\n"]


def test_100_mb_of_output_of_every_kind_is_cut_at_the_output_limit(batch):
    """Five cells that printed 100 MB each keep only their first characters, the cut note and an error."""
    course = batch["course"]
    assert _row(batch, "output") == (FULL, "graded", "all checks passed")
    path, nb = _graded(course, "output")
    outputs = [[dict(o) for o in nb.cells[i].outputs] for i in range(17, 22)]
    assert outputs == [
        [{"output_type": "stream", "name": "stdout", "text": "x" * OUTPUT_LIMIT + CUT}],
        [{"output_type": "stream", "name": "stderr", "text": ("y" * 1000 + "\n") * 9 + "y" * 991 + CUT}],
        [{"output_type": "stream", "name": "stdout", "text": CUT}],
        [{"output_type": "stream", "name": "stdout", "text": CUT}],
        [  # an error still counts once the output is cut (a plain nbgrader test fails on any error)
            {"output_type": "stream", "name": "stdout", "text": "v" * OUTPUT_LIMIT + CUT},
            {"output_type": "error", "ename": "ValueError", "evalue": "after the flood", "traceback": []},
        ],
    ]
    baseline = _graded(course, "correct")[0].stat().st_size
    assert path.stat().st_size - baseline < 5 * (OUTPUT_LIMIT + 500)


def test_flooding_the_report_pipe_stops_the_notebook_and_the_answers_before_it_count(batch):
    assert _row(batch, "report-flood") == (FULL, "killed", "a cell sent the grader more than 128 MB")


def test_no_notebook_leaves_a_process_behind(batch):
    """After each notebook its sandbox holds exactly the processes it held before: init and the runner."""
    jobs = batch["jobs"]
    assert sorted(jobs.order) == sorted(batch["rows"])
    assert [
        case for case in jobs.order if jobs[case]["restarted"] or jobs[case]["after"] != jobs[case]["before"]
    ] == []
