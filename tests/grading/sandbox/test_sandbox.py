"""The sandbox's shape, and what happens on a machine without bubblewrap."""

from __future__ import annotations

import pytest

from grader import paths
from grader.authoring import units
from grader.errors import SandboxUnavailable
from grader.grading import sandbox
from grader.grading.grade import grade
from grader.instructor import sampleclass
from tests.helpers import release_nb, submit


def test_the_sandbox_sees_only_python_the_package_and_the_datasets():
    cmd = sandbox.bwrap_command(["python"])
    assert "--unshare-all" in cmd and "--die-with-parent" in cmd and "--clearenv" in cmd
    bound = {cmd[i + 1] for i, arg in enumerate(cmd) if arg == "--ro-bind"}
    assert str(paths.PACKAGE) in bound and str(paths.datasets()) in bound
    assert str(paths.REPO) not in bound and str(paths.NOTEBOOKS) not in bound
    assert not any(b.startswith(str(paths.DEFAULT_COURSE)) for b in bound)
    assert cmd.index("--remount-ro") > max(i for i, a in enumerate(cmd) if a == "--ro-bind")


def test_require_sandbox_refuses_without_bubblewrap(monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_works", lambda: False)
    with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
        sandbox.sandbox_mode(require=True)


def test_without_bubblewrap_grading_still_works_and_says_so(course_copy, monkeypatch, capsys):
    monkeypatch.setattr(sandbox, "bwrap_works", lambda: False)
    kinds = sampleclass.samples(units.get("ic-t1"), release_nb(course_copy, "ic-t1"))
    submit(course_copy, "ic-t1", "alice", kinds["correct"])
    submit(course_copy, "ic-t1", "bob", kinds["empty"])
    report = grade("ic-t1", course_copy.root, workers=2, progress=False)
    assert not report.sandboxed
    assert "limits only" in capsys.readouterr().err
    scores = {r.student_id: r.score for r in report.rows}
    assert scores == {"alice": sampleclass.expected_auto_scores(units.get("ic-t1"))["correct"], "bob": 0.0}
