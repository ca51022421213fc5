"""What `ailab validate` says about a translation: each kind of slip, where it is and how to fix it."""

from __future__ import annotations

import nbformat
import polib
import pytest

from grader import paths
from grader.authoring import units
from grader.i18n import checks
from tests.helpers import scratch_unit

UNIT_IDS = sorted(units.unit_paths())
COMMAND = "ailab translate ic-t1 --lang zh_CN"
CODE_STRING = ("ic-t1-split", "{len(train_images)} training images: the examples to learn from")
NUMBERED = ("ic-t1-split", "Deal the 1,797 images into three piles: the same deal on every computer.")
HEADING = ("ic-t1-q4-intro", "### Question 4 (1 point): accuracy")


@pytest.fixture
def copy(tmp_path, monkeypatch):
    """A copy of ic-t1 (notebook, assets, catalogue) in a scratch notebooks folder, built to scratch too."""
    return scratch_unit(tmp_path, monkeypatch)


def _problems(folder) -> list[tuple[str, str, str]]:
    return checks.unit_problems(units.load(folder / "ic-t1.ipynb"), "zh_CN")


def _edit_catalogue(folder, edit) -> None:
    """Change the scratch catalogue as a translator would in Poedit."""
    path = paths.catalog(folder, "zh_CN")
    po = polib.pofile(str(path), wrapwidth=0)
    edit(po)
    po.save()


def _entry(po, key):
    found = po.find(key[1], msgctxt=key[0])
    assert found is not None, key
    return found


def test_the_copy_itself_has_no_problems(copy):
    """Each case below changes one thing: the problem it reports comes from that change alone."""
    assert _problems(copy) == []


def _blank(po):
    _entry(po, NUMBERED).msgstr = ""


def _extra(po):
    po.append(polib.POEntry(msgctxt="ic-t1-hook", msgid="Nobody wrote this.", msgstr="没人写过这段。"))


def _glossary(po):
    entry = _entry(po, HEADING)
    entry.msgstr = entry.msgstr.replace("准确率", "精度")


def _quote(po):
    _entry(po, CODE_STRING).msgstr += '", "多余的字'


def _number(po):
    entry = _entry(po, NUMBERED)
    entry.msgstr = entry.msgstr.replace("1797", "一千七百九十七")


# case: (how the catalogue changes, the cell it is in, words of the problem, what its fix must name)
CATALOGUE_CASES = {
    "blank entry": (_blank, NUMBERED[0], "no zh_CN translation of", COMMAND),
    "entry the English lacks": (_extra, "ic-t1-hook", "still translates", COMMAND),
    "glossary slip": (_glossary, HEADING[0], "strays from the glossary", "book/glossary.yml"),
    "ASCII quote in a code string": (_quote, CODE_STRING[0], "is not the same program", "locale/zh_CN.po"),
    "dropped number": (_number, NUMBERED[0], "drops a number", "'# numbers:' note"),
}


@pytest.mark.parametrize("case", sorted(CATALOGUE_CASES))
def test_each_slip_in_the_catalogue_is_reported_at_its_cell_with_a_fix(copy, case):
    """A teacher fixing the edition needs the cell to edit, what is wrong there, and the next step."""
    edit, cell, words, fix = CATALOGUE_CASES[case]
    _edit_catalogue(copy, edit)
    found = _problems(copy)
    assert found and all(where == f"zh_CN {cell}" for where, _, _ in found), found
    assert all(words in what and fix in how for _, what, how in found), found


def test_english_edited_without_refreshing_is_out_of_date(copy):
    """An author changed the English and forgot `ailab translate`: the old Chinese no longer says it."""
    path = copy / "ic-t1.ipynb"
    nb = nbformat.read(path, as_version=4)
    hook = next(c for c in nb.cells if c.id == "ic-t1-hook")
    assert "Today you will find out" in hook.source
    hook.source = hook.source.replace("Today you will find out", "Today you will discover")
    nbformat.write(nb, path)
    found = _problems(copy)
    stale = [problem for problem in found if "out of date" in problem[1]]
    assert len(stale) == 1, found
    where, what, fix = stale[0]
    assert where == "zh_CN ic-t1-hook" and "Today you will discover" in what
    assert COMMAND in fix and "fuzzy" in fix
    assert any("still translates" in what and "Today you will find out" in what for _, what, _ in found)


@pytest.mark.parametrize("unit_id", UNIT_IDS)
def test_real_units_have_no_translation_problems(unit_id, tmp_path, monkeypatch):
    """The Chinese edition that ships is whole, current, on the glossary and the same program."""
    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    assert checks.unit_problems(units.get(unit_id), "zh_CN") == []


def test_real_pages_have_no_translation_problems():
    """The book's pages and the instructors' guide are translated as completely as the units."""
    assert checks.page_problems("zh_CN") == []
