"""Release makes every language's version: same cells and grade ids, checksums nbgrader accepts."""

from __future__ import annotations

import nbformat
import polib
import pytest
from nbgrader.utils import compute_checksum

from grader.authoring import release, units
from grader.i18n import edition
from grader.paths import Course
from tests.helpers import scratch_unit


def _cells(nb):
    return [(c.id, units.grade_id(c)) for c in nb.cells]


@pytest.mark.parametrize("unit", [u.id for u in units.discover()])
def test_the_chinese_version_is_the_english_release_in_chinese(released, unit):
    english = nbformat.read(released.release(unit) / f"{unit}.ipynb", as_version=4)
    chinese = nbformat.read(released.edition(unit, "zh_CN", "release") / f"{unit}.ipynb", as_version=4)
    assert _cells(chinese) == _cells(english)
    assert chinese.metadata["ailab"]["lang"] == "zh_CN" and "lang" not in english.metadata["ailab"]
    for cell in chinese.cells:
        meta = cell.metadata.get("nbgrader", {})
        if "checksum" in meta:  # nbgrader's Validate button compares these
            assert meta["checksum"] == compute_checksum(cell), cell.id
    assert "在这里写你的代码" in "".join(c.source for c in chinese.cells)
    source = released.edition(unit, "zh_CN", "source") / f"{unit}.ipynb"
    assert source.is_file() and (source.parent / "assets" / "zh_CN").is_dir()
    assert not (released.source(unit) / "locale").exists(), "catalogues hold model answers"


@pytest.fixture
def own_unit(tmp_path, monkeypatch):
    """ic-t1 in a scratch notebooks folder, with one Chinese paragraph left untranslated."""
    folder = scratch_unit(tmp_path, monkeypatch)
    po = polib.pofile(str(folder / "locale" / "zh_CN.po"), wrapwidth=0)
    next(e for e in po if e.msgctxt == "ic-t1-hook").msgstr = ""
    po.save(str(folder / "locale" / "zh_CN.po"))
    return Course(tmp_path / "course")


def test_an_unfinished_translation_releases_english_only_and_says_so(own_unit, capsys):
    release.release(own_unit.root, ["ic-t1"])
    assert (own_unit.release("ic-t1") / "ic-t1.ipynb").is_file()
    assert not own_unit.edition("ic-t1", "zh_CN", "release").exists()
    assert "without its zh_CN version" in capsys.readouterr().err


def test_a_class_asked_for_chinese_is_refused_an_unfinished_translation(own_unit):
    with pytest.raises(edition.Missing, match="ailab translate ic-t1 --lang zh_CN"):
        release.release(own_unit.root, ["ic-t1"], lang="zh_CN")
