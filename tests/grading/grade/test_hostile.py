"""One batch: the sample class of ic-t1 plus 30+ hostile and broken submissions.

No batch aborts, no undeserved point, every student gets a clear status, and
nothing escapes the sandbox.
"""

from __future__ import annotations

import json
import socket
import subprocess
import threading
from pathlib import Path

import nbformat
import pytest

from grader import paths
from grader.authoring import units
from grader.grading.grade import grade
from grader.grading.sandbox import SANDBOX_ENV, Limits
from grader.instructor import sampleclass
from tests.helpers import FIXTURES, release_nb, submit

from .hostile import LEAK, MESSAGES, build

UNIT = "ic-t1"
LIMITS = Limits(cell_timeout=8, notebook_timeout=90)


class Listener:
    """A loopback server that counts connections, to prove the sandbox has no network."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                continue

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


@pytest.fixture(scope="module")
def batch(released, tmp_path_factory):
    import shutil

    from grader.paths import Course

    course = Course(tmp_path_factory.mktemp("hostile") / "course")
    shutil.copytree(released.root, course.root)
    unit = units.get(UNIT)
    release = release_nb(course, UNIT)
    samples = sampleclass.samples(unit, release)
    listener = Listener()
    subs, expect = build(
        release,
        samples["correct"],
        {
            "repo": paths.REPO,
            "course": course.root,
            "home": Path.home(),
            "port": listener.port,
            "plain": FIXTURES / "plain" / "plain.ipynb",
        },
    )
    for kind, nb in samples.items():
        submit(course, UNIT, f"sample-{kind}", nb)
    for student, nb in subs.items():
        submit(course, UNIT, student, nb)
    gradebook_before = course.gradebook.stat().st_size
    report = grade(UNIT, course.root, workers=2, limits=LIMITS, progress=False)
    listener.close()
    full = sampleclass.expected_auto_scores(unit)["correct"]
    return {
        "course": course,
        "report": report,
        "expect": expect,
        "full": full,
        "listener": listener,
        "rows": {r.student_id: r for r in report.rows},
        "gradebook_before": gradebook_before,
    }


def _outputs_text(course, student) -> str:
    path = course.autograded(UNIT, student) / f"{UNIT}.ipynb"
    if not path.exists():
        return ""
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts += [
                out.get("text", ""),
                out.get("evalue", ""),
                str(out.get("data", {}).get("text/plain", "")),
            ]
    return "\n".join(parts)


def test_the_batch_has_at_least_25_hostile_cases_and_grades_everyone(batch):
    assert len(batch["expect"]) >= 25
    assert set(batch["expect"]) <= set(batch["rows"])


@pytest.mark.parametrize("kind", ["correct", "looper"])
def test_honest_work_in_the_same_batch_gets_full_marks(batch, kind):
    row = batch["rows"][f"sample-{kind}"]
    assert row.score == batch["full"], row


def test_partial_and_wrong_and_tampered_samples(batch):
    rows = batch["rows"]
    assert 0 < rows["sample-partial"].score < batch["full"]
    assert rows["sample-empty"].score == 0
    assert rows["sample-wrong"].score == 0
    assert rows["sample-tamper"].score == 0


def test_every_hostile_case_gets_exactly_its_expected_score_and_status(batch):
    wrong = []
    for student, (score, statuses) in batch["expect"].items():
        row = batch["rows"][student]
        want = batch["full"] if score is None else score
        if row.score != want or row.status not in statuses:
            wrong.append((student, row.score, row.status, row.message))
    assert not wrong


def test_known_causes_are_named_in_the_message(batch):
    wrong = {
        s: batch["rows"][s].message for s, words in MESSAGES.items() if words not in batch["rows"][s].message
    }
    assert not wrong


def test_every_student_gets_a_one_line_message(batch):
    for row in batch["report"].rows:
        assert row.message and "\n" not in row.message, row


def test_nothing_leaks_out_of_the_sandbox(batch):
    course = batch["course"]
    for student in batch["expect"]:
        assert LEAK not in _outputs_text(course, student), student
    assert batch["listener"].connections == 0
    assert not (paths.REPO / "grader" / "evil.py").exists()
    assert not Path("/usr/evil").exists()


def test_the_sandbox_environment_shows_no_grading_variables(batch):
    text = _outputs_text(batch["course"], "h-env-detect")
    env_line = next(line for line in text.splitlines() if line.startswith("ENV "))
    shown = set(json.loads(env_line[4:]))
    set_by_libraries = {k for k in shown if k.startswith("KMP_")}  # OpenMP runtimes set these on import
    assert shown - set_by_libraries <= set(SANDBOX_ENV) | {"AILAB_DATASETS", "PWD"}, shown


def test_no_process_outlives_the_batch(batch):
    leftover = subprocess.run(["pgrep", "-f", "sleep 1000"], capture_output=True, text=True).stdout
    assert leftover.strip() == ""
