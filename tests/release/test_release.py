"""``ailab release`` makes an nbgrader course; its student notebooks match the golden files."""

from __future__ import annotations

import json
import re

import pytest

from grader import units
from grader.release import release
from tests.helpers import FIXTURES

GOLDEN = FIXTURES / "golden"


def normalise(text: str) -> dict:
    """The released notebook minus what legitimately changes between runs."""
    nb = json.loads(text)
    nb["metadata"].pop("widgets", None)
    return nb


@pytest.mark.parametrize("unit", [u.id for u in units.discover()])
def test_release_matches_golden(released, unit, request):
    got = normalise((released.release(unit) / f"{unit}.ipynb").read_text())
    golden = GOLDEN / f"{unit}.release.ipynb"
    if request.config.getoption("--update-goldens"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    assert got == json.loads(golden.read_text())


def test_release_strips_solutions_and_hidden_tests(released):
    for unit in units.discover():
        text = (released.release(unit.id) / f"{unit.id}.ipynb").read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
        assert "hidden=True" not in text


def test_release_leaves_a_working_nbgrader_course(released):
    config = released.config.read_text()
    assert "course_id" in config and "ClearHiddenTests" in config
    assert released.gradebook.exists()


def test_release_refuses_a_folder_that_is_not_a_course(tmp_path):
    from grader.errors import BadInput

    keep = tmp_path / "notes.txt"
    keep.write_text("mine")
    with pytest.raises(BadInput, match="not empty"):
        release(tmp_path)
    assert keep.read_text() == "mine" and not (tmp_path / "nbgrader_config.py").exists()


def test_release_is_idempotent(course_copy):
    before = (course_copy.release("ic-t1") / "ic-t1.ipynb").read_text()
    release(course_copy.root, ["ic-t1"])
    assert re.sub(r"\s", "", before) == re.sub(
        r"\s", "", (course_copy.release("ic-t1") / "ic-t1.ipynb").read_text()
    )
