"""Every command acts on the course it is given or stands in, says which, and knows its units."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.authoring import units
from grader.course import find, open_course, require_unit
from grader.errors import BadInput

AILAB = str(Path(sys.executable).parent / "ailab")


def run(*args, cwd):
    return subprocess.run([AILAB, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_found_from_the_current_folder_or_any_folder_below_it(course_copy, monkeypatch):
    inside = course_copy.root / "release" / "ic-t1"
    assert find(inside) == course_copy.root
    monkeypatch.chdir(inside)
    assert open_course(None).root == course_copy.root


def test_no_silent_default_outside_a_course(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BadInput, match="--course"):
        open_course(None)


def test_grade_from_another_folder_refuses_instead_of_grading_the_demo_course(tmp_path):
    done = run("grade", "ic-t1", cwd=tmp_path)
    assert done.returncode == 2
    assert f"{tmp_path}: not inside an ailab course folder" in done.stderr and "--course" in done.stderr


def test_export_inside_another_course_writes_there_and_says_so(released, tmp_path):
    other = tmp_path / "other-course"
    shutil.copytree(released.root, other)
    done = run("export", cwd=other / "release")
    assert done.returncode == 0, done.stderr
    assert (other / "grades.csv").is_file()
    assert f"course: {other}" in done.stderr


@pytest.mark.parametrize("wrong", ["ic-t4", "IC-T1", "ic_t1"])
def test_a_wrong_unit_name_lists_the_valid_ones_and_suggests_only_a_clear_match(course_copy, wrong):
    with pytest.raises(BadInput) as caught:
        require_unit(course_copy, wrong)
    text = str(caught.value)
    assert ", ".join(sorted(u.id for u in units.discover())) in text and "release" not in text
    assert ("Did you mean ic-t1?" in text) == (wrong != "ic-t4")


@pytest.mark.parametrize("command", [["grade", "ic-t9"], ["feedback", "ic-t9"], ["sample", "ic-t9"]])
def test_commands_refuse_unknown_units_and_write_nothing(course_copy, command):
    before = sorted(p.relative_to(course_copy.root) for p in course_copy.root.rglob("*"))
    done = run(*command, "--course", str(course_copy.root), cwd=course_copy.root)
    assert done.returncode == 2
    valid = ", ".join(sorted(u.id for u in units.discover()))
    assert "no unit 'ic-t9'" in done.stderr and f"Valid units: {valid}" in done.stderr
    assert sorted(p.relative_to(course_copy.root) for p in course_copy.root.rglob("*")) == before
