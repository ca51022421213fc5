"""``ailab release`` makes an nbgrader course; its student notebooks match the golden files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from grader import paths
from grader.authoring import units
from grader.authoring.release import release
from tests.helpers import FIXTURES

GOLDEN = Path(os.environ.get("AILAB_GOLDEN_DIR") or FIXTURES / "golden")  # a test points it elsewhere


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
        pytest.fail(f"rewrote {golden.name}; review the diff and run again without --update-goldens")
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


def test_every_reflection_has_its_rubric_beside_it_locked(released):
    for unit in units.discover():
        nb = json.loads((released.release(unit.id) / f"{unit.id}.ipynb").read_text())
        for i, cell in enumerate(nb["cells"]):
            meta = cell["metadata"].get("nbgrader", {})
            if cell["cell_type"] == "markdown" and meta.get("grade") and meta.get("solution"):
                rubric = nb["cells"][i + 1]
                assert rubric["metadata"]["nbgrader"]["locked"] is True
                assert rubric["metadata"]["ailab"] == {"derived": "rubric", "for": meta["grade_id"]}
                levels = [c for c in unit.notebook.cells if units.grade_id(c) == meta["grade_id"]][0]
                for level in levels.metadata["ailab"]["rubric"]:
                    assert level["descriptor"] in "".join(rubric["source"])


def test_release_puts_units_in_the_exchange_so_formgrader_says_released(released):
    from nbgrader.apps.api import NbGraderAPI

    from grader import nbgrader_api

    api = NbGraderAPI(coursedir=nbgrader_api.coursedir(released), config=nbgrader_api.config(released))
    for unit in units.discover():
        assert (released.root / "exchange" / "ailab" / "outbound" / unit.id / f"{unit.id}.ipynb").is_file()
        assert api.get_assignment(unit.id)["status"] == "released"


def _pretend_source_changed(course, unit):
    record = course.private(unit) / "release.json"
    data = json.loads(record.read_text())
    record.write_text(json.dumps({**data, "source_sha256": "changed"}))


def test_an_unchanged_unit_is_not_released_again(course_copy):
    target = course_copy.release("ic-t1") / "ic-t1.ipynb"
    before = target.stat().st_mtime_ns
    release(course_copy.root, ["ic-t1"])
    assert target.stat().st_mtime_ns == before


def test_a_unit_students_hand_in_is_not_overwritten_without_force(course_copy):
    from grader.errors import BadInput
    from tests.helpers import release_nb, submit

    submit(course_copy, "ic-t1", "amy", release_nb(course_copy, "ic-t1"))
    _pretend_source_changed(course_copy, "ic-t1")
    before = (course_copy.release("ic-t1") / "ic-t1.ipynb").read_bytes()
    with pytest.raises(BadInput, match="1 student has handed it in.*--force"):
        release(course_copy.root, ["ic-t1"])
    assert (course_copy.release("ic-t1") / "ic-t1.ipynb").read_bytes() == before
    release(course_copy.root, ["ic-t1"], force=True)
    kept = list((course_copy.private("ic-t1") / "replaced").glob("*/release/ic-t1.ipynb"))
    assert len(kept) == 1 and kept[0].read_bytes() == before


def test_an_edited_release_folder_is_kept_before_a_new_release(course_copy):
    from grader.errors import BadInput

    notebook = course_copy.release("ic-t1") / "ic-t1.ipynb"
    notebook.write_text(notebook.read_text().replace("How a computer sees", "My own notes"))
    _pretend_source_changed(course_copy, "ic-t1")
    with pytest.raises(BadInput, match="changed after it was released"):
        release(course_copy.root, ["ic-t1"])
    assert "My own notes" in notebook.read_text()


def test_update_goldens_rewrites_and_still_fails(tmp_path):
    """``--update-goldens`` must never turn a run green: it writes, then fails, so the diff is read."""
    env = {**os.environ, "AILAB_GOLDEN_DIR": str(tmp_path)}
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--update-goldens",
            f"{__file__}::test_release_matches_golden",
        ],
        cwd=paths.REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode != 0, run.stdout[-2000:]
    assert "rewrote ic-t1.release.ipynb" in run.stdout
    assert json.loads((tmp_path / "ic-t1.release.ipynb").read_text()) == json.loads(
        (FIXTURES / "golden" / "ic-t1.release.ipynb").read_text()
    )
