"""The unit's figures go beside graded notebooks and feedback pages; nothing already there is replaced."""

from __future__ import annotations

from grader.grading.unit_files import copy_beside


def test_copies_the_released_files_but_not_the_notebook(released, tmp_path):
    copied = copy_beside(released, "ic-t1", tmp_path)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in copied)
    assert "assets/digit_grid.png" in names and "assets/five_neighbours.png" in names
    assert not any(name.endswith(".ipynb") for name in names)
    assert (tmp_path / "assets" / "digit_grid.png").read_bytes() == (
        released.release("ic-t1") / "assets" / "digit_grid.png"
    ).read_bytes()


def test_never_replaces_a_file_already_there(released, tmp_path):
    mine = tmp_path / "assets" / "digit_grid.png"
    mine.parent.mkdir()
    mine.write_bytes(b"the student's own picture")
    copied = copy_beside(released, "ic-t1", tmp_path)
    assert mine.read_bytes() == b"the student's own picture" and mine not in copied
    assert copy_beside(released, "ic-t1", tmp_path) == []  # a second run changes nothing


def test_a_unit_without_a_release_copies_nothing(released, tmp_path):
    assert copy_beside(released, "no-such-unit", tmp_path) == []
