"""Bad input to every command: one clear line, a non-zero exit, nothing overwritten."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

AILAB = [str(Path(sys.executable).parent / "ailab")]


def run(*args, cwd=None):
    return subprocess.run(AILAB + list(args), capture_output=True, text=True, cwd=cwd, timeout=600)


def one_line_error(done, *words):
    assert done.returncode != 0
    lines = [ln for ln in done.stderr.splitlines() if ln.strip() and "Warning" not in ln]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("ailab: ")
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in done.stderr


@pytest.fixture
def not_a_course(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "essay.txt").write_text("keep me")
    return folder


def test_unknown_unit(tmp_path):
    done = run("validate", "no-such-unit")
    one_line_error(done, "no-such-unit", "known units")
    assert done.returncode == 2


def test_release_into_a_file(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("keep me")
    done = run("release", "--course", str(target))
    one_line_error(done, "is a file")
    assert target.read_text() == "keep me"


def test_release_into_a_folder_that_is_not_a_course(not_a_course):
    done = run("release", "--course", str(not_a_course))
    one_line_error(done, "not empty")
    assert sorted(p.name for p in not_a_course.iterdir()) == ["essay.txt"]


@pytest.mark.parametrize(
    "command",
    [
        ["grade", "ic-t1"],
        ["feedback", "ic-t1"],
        ["export"],
        ["lab"],
        ["collect", "ic-t1", "x.zip"],
        ["sample", "ic-t1"],
    ],
)
def test_commands_that_need_a_course_refuse_other_folders(not_a_course, command):
    done = run(*command, "--course", str(not_a_course))
    one_line_error(done, "not an ailab course", "ailab release")
    assert done.returncode == 2
    assert sorted(p.name for p in not_a_course.iterdir()) == ["essay.txt"]


def test_grade_with_no_submissions(course_copy):
    done = run("grade", "ic-t1", "--course", str(course_copy.root))
    one_line_error(done, "no submissions", "ailab collect")


def test_grade_a_unit_that_was_not_released(course_copy):
    done = run("grade", "zz-t1", "--course", str(course_copy.root))
    one_line_error(done, "not released")


def test_grade_with_zero_workers(course_copy):
    done = run("grade", "ic-t1", "--course", str(course_copy.root), "--workers", "0")
    one_line_error(done)


def test_collect_a_file_that_is_not_a_zip(course_copy, tmp_path):
    fake = tmp_path / "fake.zip"
    fake.write_text("not a zip")
    done = run("collect", "ic-t1", str(fake), "--course", str(course_copy.root))
    one_line_error(done, "not a zip")
    assert not course_copy.submitted("ic-t1").exists()


def test_collect_refuses_path_tricks_and_writes_nothing(course_copy, tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("alice/ic-t1.ipynb", "{}")
        z.writestr("../../../etc/evil.ipynb", "{}")
        z.writestr("bob/ic-t1.ipynb", "{}")
        z.writestr("bob/copy.ipynb", "{}")
    done = run("collect", "ic-t1", str(bad), "--course", str(course_copy.root))
    one_line_error(done, "two notebooks", "bob")
    assert not course_copy.submitted("ic-t1").exists()


def test_book_with_an_unknown_edition():
    done = run("book", "--edition", "teacher")
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_feedback_before_grading(course_copy):
    done = run("feedback", "ic-t1", "--course", str(course_copy.root))
    one_line_error(done, "nothing graded")


def test_works_when_called_by_path_without_the_venv_on_path(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        AILAB + ["release", "--course", str(tmp_path / "c"), "ic-t1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "c" / "gradebook.db").exists()
