"""Catalogues follow the English: refresh keeps, flags and drops entries; problems() says what is left."""

from __future__ import annotations

import polib
import pytest

from grader.i18n import catalog
from grader.i18n.catalog import Piece

FIRST = [
    Piece("cell-a", "Each pixel holds one number.", "markdown", 0),
    Piece("cell-a", "The grid has 64 squares.", "markdown", 1),
    Piece("cell-b", "A paragraph that will go away.", "markdown", 0),
]
CHINESE = {
    "Each pixel holds one number.": "每个像素存放一个数。",
    "The grid has 64 squares.": "这个网格有 64 个小方格。",
    "A paragraph that will go away.": "一段将被删掉的文字。",
}


def _entries(path) -> dict[tuple[str, str], polib.POEntry]:
    return {(e.msgctxt, e.msgid): e for e in polib.pofile(str(path), wrapwidth=0) if not e.obsolete}


def _translate(path, table: dict[str, str]) -> None:
    """What a translator does in Poedit: fill in msgstr."""
    po = polib.pofile(str(path), wrapwidth=0)
    for entry in po:
        entry.msgstr = table.get(entry.msgid, entry.msgstr)
    po.save()


def _kinds(found) -> list[tuple[str, str, str]]:
    return sorted((p.kind, p.context, p.text) for p in found)


@pytest.fixture
def po(tmp_path):
    """A catalogue made from FIRST and fully translated."""
    path = tmp_path / "locale" / "zh_CN.po"
    made = catalog.refresh(path, FIRST, "zh_CN")
    assert (made.kept, made.fuzzy, made.new, made.dropped) == (0, 0, 3, 0)
    assert all(e.msgstr == "" for e in _entries(path).values())  # new pieces wait for a translator
    _translate(path, CHINESE)
    return path


def test_new_pieces_are_untranslated_and_reported_missing(tmp_path):
    """A fresh catalogue is a to-do list: every piece is there, none is translated yet."""
    path = tmp_path / "zh_CN.po"
    catalog.refresh(path, FIRST, "zh_CN")
    assert set(_entries(path)) == {(p.context, p.msgid) for p in FIRST}
    assert _kinds(catalog.problems(path, FIRST)) == sorted(("missing", p.context, p.msgid) for p in FIRST)
    assert polib.pofile(str(path)).metadata["Language"] == "zh_CN"


def test_a_finished_catalogue_has_no_problems_and_refresh_keeps_it(po):
    """Running `ailab translate` again must never lose a translator's work."""
    assert catalog.problems(po, FIRST) == []
    again = catalog.refresh(po, FIRST, "zh_CN")
    assert (again.kept, again.fuzzy, again.new, again.dropped) == (3, 0, 0, 0)
    assert {key[1]: e.msgstr for key, e in _entries(po).items()} == CHINESE


def test_changed_english_keeps_its_old_translation_as_fuzzy_and_removed_english_is_dropped(po):
    """The translator sees the old English beside the old translation, as msgmerge shows it."""
    edited = [FIRST[0], Piece("cell-a", "The grid has 65 squares.", "markdown", 1)]
    result = catalog.refresh(po, edited, "zh_CN")
    assert (result.kept, result.fuzzy, result.new, result.dropped) == (1, 1, 0, 1)
    entries = _entries(po)
    changed = entries[("cell-a", "The grid has 65 squares.")]
    assert "fuzzy" in changed.flags
    assert changed.previous_msgid == "The grid has 64 squares."
    assert changed.msgstr == "这个网格有 64 个小方格。"
    assert "fuzzy" not in entries[("cell-a", "Each pixel holds one number.")].flags
    assert ("cell-b", "A paragraph that will go away.") not in entries
    assert "A paragraph that will go away." not in po.read_text(encoding="utf-8")  # not even as #~
    assert _kinds(catalog.problems(po, edited)) == [("outdated", "cell-a", "The grid has 65 squares.")]


def test_a_piece_added_in_the_middle_is_new_not_a_fuzzy_copy_of_its_neighbour(po):
    """Positions shift when a paragraph is inserted: an unchanged piece keeps its own translation."""
    inserted = [
        FIRST[0],
        Piece("cell-a", "A new middle paragraph.", "markdown", 1),
        Piece("cell-a", "The grid has 64 squares.", "markdown", 2),
        FIRST[2],
    ]
    result = catalog.refresh(po, inserted, "zh_CN")
    assert (result.kept, result.fuzzy, result.new, result.dropped) == (3, 0, 1, 0)
    assert _entries(po)[("cell-a", "A new middle paragraph.")].msgstr == ""


def test_problems_when_the_english_changed_but_the_catalogue_was_not_refreshed(po):
    """validate runs before anyone ran `ailab translate`: the edit is out of date, the old entry left over."""
    edited = [
        FIRST[0],
        Piece("cell-a", "The grid has 65 squares.", "markdown", 1),
        Piece("cell-c", "A brand new cell.", "markdown", 0),
    ]
    assert _kinds(catalog.problems(po, edited)) == [
        ("leftover", "cell-a", "The grid has 64 squares."),
        ("leftover", "cell-b", "A paragraph that will go away."),
        ("missing", "cell-c", "A brand new cell."),
        ("outdated", "cell-a", "The grid has 65 squares."),
    ]


def test_obsolete_entries_are_leftovers(po):
    """Poedit keeps removed entries as #~ lines; they still translate English that is gone."""
    file = polib.pofile(str(po), wrapwidth=0)
    file.append(polib.POEntry(msgctxt="cell-z", msgid="Old words.", msgstr="旧的话。", obsolete=True))
    file.save()
    assert _kinds(catalog.problems(po, FIRST)) == [("leftover", "cell-z", "Old words.")]


def test_a_dropped_number_is_a_problem_unless_a_numbers_note_explains_it(po):
    """Numbers are facts: a translation may not lose one by accident, only on purpose and said so."""
    _translate(po, {"The grid has 64 squares.": "这个网格有六十四个小方格。"})
    found = catalog.problems(po, FIRST)
    assert _kinds(found) == [("number", "cell-a", "64 in: The grid has 64 squares.")]
    file = polib.pofile(str(po), wrapwidth=0)
    file.find("The grid has 64 squares.", msgctxt="cell-a").tcomment = "numbers: written out on purpose"
    file.save()
    assert catalog.problems(po, FIRST) == []


@pytest.mark.parametrize(
    ("english", "chinese", "dropped"),
    [
        ("1,797 images", "1797 幅", []),
        ("1,797 images", "1,797 幅图像", []),
        ("1,797 images", "一千七百九十七幅", ["1797"]),
        ("97 % and 0.8 %", "97% 和 0.8%", []),
        ("3 of 3 votes", "3 票", ["3"]),  # each occurrence counts
        ("read `images[3]` with {n:.1f} and [a link](https://x.org/2021)", "读", []),
        ("150–250 words", "300–500 字", ["150", "250"]),
    ],
)
def test_numbers_dropped(english, chinese, dropped):
    """1,797 and 1797 are the same number; code, f-string fields and link targets state none."""
    assert catalog.numbers_dropped(english, chinese) == dropped


def test_unique_keeps_one_entry_per_context_and_english():
    """The same English twice in one cell is one translation; in two cells it is two."""
    pieces = [Piece("a", "Run it.", "markdown", 0), Piece("a", "Run it.", "markdown", 3)]
    pieces.append(Piece("b", "Run it.", "markdown", 0))
    assert catalog.unique(pieces) == [pieces[0], pieces[2]]
