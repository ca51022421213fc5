"""Bad input to every command: one clear line, a non-zero exit, nothing overwritten."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.authoring import units

AILAB = [str(Path(sys.executable).parent / "ailab")]
ALL_UNITS = ", ".join(sorted(u.id for u in units.discover()))  # as the error lists them


def run(*args, cwd=None):
    return subprocess.run(AILAB + list(args), capture_output=True, text=True, cwd=cwd, timeout=600)


def one_line_error(done, *words):
    assert done.returncode != 0
    said = [ln for ln in done.stderr.splitlines() if ln.strip() and "Warning" not in ln]
    lines = [ln for ln in said if not ln.startswith("course: ")]  # every command names its course first
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
    one_line_error(done, "no-such-unit", f"Valid units: {ALL_UNITS}")
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
    one_line_error(done, "no unit 'zz-t1'", f"Valid units: {ALL_UNITS}")


def test_grade_with_zero_workers(course_copy):
    """A class is handed in, so the refusal can only be about --workers; nothing is graded."""
    from tests.helpers import release_nb, submit

    submit(course_copy, "ic-t1", "alice", release_nb(course_copy, "ic-t1"))
    done = run("grade", "ic-t1", "--course", str(course_copy.root), "--workers", "0")
    one_line_error(done, "--workers", "not 0")
    assert not course_copy.journal("ic-t1").exists()


def test_grade_checks_workers_before_anything_else(tmp_path):
    """Even with no course at all, a bad --workers is what grade() names."""
    from grader.errors import BadInput
    from grader.grading.grade import grade

    with pytest.raises(BadInput, match="--workers"):
        grade("no-such-unit", tmp_path / "not-a-course", workers=0, progress=False)


def collect_refused(done, *words):
    """A refused ``ailab collect``: exit 2, one ``ailab:`` line naming the reason, no traceback."""
    errors = [ln for ln in done.stderr.splitlines() if ln.startswith("ailab: ")]
    assert done.returncode == 2 and len(errors) == 1, done.stderr
    for word in words:
        assert word in errors[0], errors[0]
    assert "Traceback" not in done.stderr


def test_collect_a_file_that_is_not_a_zip(course_copy, tmp_path):
    fake = tmp_path / "fake.zip"
    fake.write_text("not a zip")
    done = run("collect", "ic-t1", str(fake), "--course", str(course_copy.root))
    collect_refused(done, "not a zip")
    assert not course_copy.submitted("ic-t1").exists()


def test_collect_refuses_path_tricks_says_so_and_writes_nothing(course_copy, tmp_path):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as z:
        z.writestr("alice/ic-t1.ipynb", "{}")
        z.writestr("../../../etc/evil.ipynb", "{}")
        z.writestr("bob/ic-t1.ipynb", "{}")
        z.writestr("bob/copy.ipynb", '{"other": 1}')
    done = run("collect", "ic-t1", str(bad), "--course", str(course_copy.root))
    collect_refused(done, "'../../../etc/evil.ipynb'", "outside the zip")
    assert not course_copy.submitted("ic-t1").exists()


def test_collect_refuses_a_unit_the_course_does_not_have(course_copy, tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("alice_ic-t7.ipynb", "{}")
    done = run("collect", "ic-t7", str(archive), "--course", str(course_copy.root))
    collect_refused(done, "ic-t7", "ic-t1")
    assert not course_copy.submitted("ic-t1").exists()


def test_collect_says_how_many_and_names_every_skipped_file(course_copy, tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ic-t1-submissions/李雷_ic-t1.ipynb", "{}")
        z.writestr("ic-t1-submissions/readme.txt", "hi")
        z.writestr("__MACOSX/ic-t1-submissions/._李雷_ic-t1.ipynb", "junk")
    single = tmp_path / "2025016_ic-t1.ipynb"
    single.write_text('{"v": 1}')
    done = run("collect", "ic-t1", str(archive), "--course", str(course_copy.root))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "collected 1 submission for ic-t1 (1 new, 0 replaced, 0 unchanged)\n"
    assert f"skipped {archive}/ic-t1-submissions/readme.txt: not a notebook" in done.stderr
    assert f"skipped {archive}/__MACOSX/ic-t1-submissions/._李雷_ic-t1.ipynb: macOS" in done.stderr
    again = run("collect", "ic-t1", str(archive), str(single), "--course", str(course_copy.root))
    assert again.stdout == "collected 2 submissions for ic-t1 (1 new, 0 replaced, 1 unchanged)\n"
    assert sorted(p.name for p in course_copy.submitted("ic-t1").iterdir()) == ["2025016", "李雷"]


def test_collect_speaks_chinese(course_copy, tmp_path):
    single = tmp_path / "李雷_ic-t1.ipynb"
    single.write_text("{}")
    env = {**os.environ, "AILAB_LANG": "zh_CN"}
    course = ["--course", str(course_copy.root)]
    done = subprocess.run(AILAB + ["collect", "ic-t1", str(single), *course], capture_output=True, text=True,
                          env=env, timeout=600)
    assert done.stdout == "已收取 ic-t1 的 1 份作业（新增 1 份，替换 0 份，未变 0 份）\n", done.stderr
    missing = str(tmp_path / "nothing.zip")
    done = subprocess.run(AILAB + ["collect", "ic-t1", missing, *course], capture_output=True, text=True,
                          env=env, timeout=600)
    collect_refused(done, "文件或文件夹不存在")


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
