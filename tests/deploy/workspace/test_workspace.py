"""A student's workspace holds only their copies of released units; handin makes a zip collect takes."""

from __future__ import annotations

import json
import zipfile

import nbformat
import pytest

from grader.authoring import units
from grader.deploy import workspace
from grader.errors import BadInput
from grader.instructor.collect import collect


def test_the_workspace_has_the_released_units_and_nothing_of_the_instructor(course_copy, tmp_path):
    space, added = workspace.prepare(tmp_path / "work", course_copy.root, "2025016")
    assert sorted(added) == sorted(u.id for u in units.discover())
    names = {p.relative_to(space.root).as_posix() for p in space.root.rglob("*")}
    assert "ic-t1/ic-t1.ipynb" in names and "ic-t1/assets/digit_grid.png" in names
    assert not any(n.startswith(("source", "autograded", "submitted", "feedback")) for n in names)
    assert not any(n.endswith(".db") for n in names)
    text = (space.root / "ic-t1" / "ic-t1.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and "hidden=True" not in text
    config = (space.root / "nbgrader_config.py").read_text()
    assert "student_id = '2025016'" in config and str(course_copy.root / "exchange") in config


def test_preparing_again_never_overwrites_the_students_work(course_copy, tmp_path):
    space, _ = workspace.prepare(tmp_path / "work", course_copy.root, "2025016")
    mine = space.unit("ic-t1")
    mine.write_text(mine.read_text().replace("How a computer sees", "My answers"))
    again, added = workspace.prepare(space.root, None, None)  # student and course remembered
    assert added == [] and again.student == "2025016"
    assert "My answers" in mine.read_text()


@pytest.mark.parametrize("student", ["", "../etc", ".hidden", "CON", "a/b"])
def test_unusable_student_ids_are_refused(course_copy, tmp_path, student):
    with pytest.raises(BadInput, match="--student"):
        workspace.prepare(tmp_path / "work", course_copy.root, student)
    assert not (tmp_path / "work").exists()


def test_a_workspace_inside_the_course_is_refused(course_copy):
    with pytest.raises(BadInput, match="overlaps"):
        workspace.prepare(course_copy.root / "students" / "amy", course_copy.root, "amy")


def test_handin_zip_is_collected_under_the_students_id(course_copy, tmp_path):
    space, _ = workspace.prepare(tmp_path / "work", course_copy.root, "李雷")
    zipped = workspace.handin("ic-t1", space.root)
    assert zipped.name == "李雷_ic-t1.zip"
    with zipfile.ZipFile(zipped) as z:
        assert z.namelist() == ["李雷/ic-t1.ipynb"]
        nb = nbformat.reads(z.read("李雷/ic-t1.ipynb").decode(), as_version=4)
    assert nb.metadata["ailab"]["student"] == "李雷" and nb.metadata["ailab"]["id"] == "ic-t1"
    collect("ic-t1", zipped, course_copy.root)
    assert (course_copy.submitted("ic-t1", "李雷") / "ic-t1.ipynb").is_file()


def test_handin_of_a_unit_the_student_does_not_have(course_copy, tmp_path):
    space, _ = workspace.prepare(tmp_path / "work", course_copy.root, "amy")
    with pytest.raises(BadInput, match="ic-t1, ic-t2, ic-t3"):
        workspace.handin("ic-t7", space.root)


def test_handin_without_a_workspace_says_how_to_make_one(tmp_path):
    with pytest.raises(BadInput, match="ailab student"):
        workspace.handin("ic-t1", tmp_path)


def test_student_lab_config_switches_off_the_instructor_parts(tmp_path):
    from grader.deploy import lab

    config = lab.student_config_dir(tmp_path)
    page = json.loads((config / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    server = json.loads((config / "jupyter_server_config.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
