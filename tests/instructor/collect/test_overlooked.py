"""Notebooks put under ``submitted/`` by hand in the wrong place are named, not silently left ungraded."""

import pytest

from grader.errors import BadInput
from grader.grading import submissions
from grader.grading.grade import grade


def put(course, relative, text="{}"):
    path = course.root / "submitted" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_misnamed_folders_and_notebooks_are_reported_with_what_to_do(course_copy):
    put(course_copy, "alice/ic-t1/ic-t1.ipynb")  # right: not reported
    put(course_copy, "alice/ic-t1/.ipynb_checkpoints/ic-t1-checkpoint.ipynb")
    put(course_copy, "2025016/ict1/ic-t1.ipynb")
    put(course_copy, "2025017/ic-t1/answers.ipynb")
    put(course_copy, "李雷/IC-T1/work/ic-t1.ipynb")
    put(course_copy, "bob/homework/x.ipynb")
    put(course_copy, "bob/ic-t1.ipynb")
    put(course_copy, "carol/empty-folder/notes.txt")
    found = {p.relative_to(course_copy.root / "submitted").as_posix(): why
             for p, why in submissions.overlooked(course_copy, "ic-t1")}
    assert sorted(found) == [
        "2025016/ict1", "2025017/ic-t1/answers.ipynb", "bob/homework", "bob/ic-t1.ipynb", "李雷/IC-T1"
    ]
    assert found["2025016/ict1"].endswith("not graded. Did you mean ic-t1?")
    assert found["李雷/IC-T1"].endswith("Did you mean ic-t1?")
    assert "Did you mean" not in found["bob/homework"] and "'homework'" in found["bob/homework"]
    assert "named ic-t1.ipynb; rename it" in found["2025017/ic-t1/answers.ipynb"]
    assert "not inside a unit folder" in found["bob/ic-t1.ipynb"]


def test_grade_prints_them_as_warnings(course_copy, capsys):
    put(course_copy, "2025016/ict1/ic-t1.ipynb")
    with pytest.raises(BadInput):  # the only notebook is in the wrong folder: nothing to grade
        grade("ic-t1", course_copy.root, progress=False)
    assert "warning: submitted/2025016/ict1: 'ict1' is not a released unit" in capsys.readouterr().err


def test_warnings_in_chinese(course_copy, capsys, monkeypatch):
    monkeypatch.setenv("AILAB_LANG", "zh_CN")
    put(course_copy, "2025016/ict1/ic-t1.ipynb")
    submissions.warn_overlooked(course_copy, "ic-t1")
    assert capsys.readouterr().err == (
        "警告：submitted/2025016/ict1："
        "'ict1' 不是已发布的单元，其中的笔记本不会被评分。你是不是想输入 ic-t1？\n"
    )
