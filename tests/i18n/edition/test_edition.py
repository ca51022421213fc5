"""A translated unit is the English unit with other words: same cells, same code, same checks."""

from __future__ import annotations

import io
import keyword
import re
import tokenize

import nbformat
import pytest

from grader import paths
from grader.authoring import units
from grader.checks import checkspec
from grader.checks.check import STUB_ERROR, report, spec_language
from grader.i18n import edition, segments, sources

UNIT_IDS = sorted(units.unit_paths())
CJK = re.compile(r"[\u4e00-\u9fff]")
WORDS_ONLY = ("hint", "name")


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """Each real unit and its zh_CN edition, written under a scratch build folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(paths, "BUILD", tmp_path_factory.mktemp("build"))
        yield {u.id: (u, sources.translated_unit(u, "zh_CN")) for u in units.discover()}


@pytest.fixture(params=UNIT_IDS)
def pair(request, editions):
    return editions[request.param]


def _pairs(pair):
    english, chinese = pair
    return list(zip(english.notebook.cells, chinese.notebook.cells, strict=True))


def test_same_cells_ids_and_nbgrader_metadata(pair):
    """nbgrader knows cells by id and metadata: a Chinese copy must grade exactly like the English."""
    english, chinese = pair
    assert len(chinese.notebook.cells) == len(english.notebook.cells)
    for mine, theirs in _pairs(pair):
        assert (theirs.id, theirs.cell_type) == (mine.id, mine.cell_type)
        assert theirs.metadata.get("nbgrader") == mine.metadata.get("nbgrader"), mine.id
    assert chinese.path.is_relative_to(paths.edition_notebooks("zh_CN"))


def test_every_code_cell_is_the_same_program(pair):
    """Only words change: a translated quote or field would change what students run."""
    for mine, theirs in _pairs(pair):
        if mine.cell_type == "code":
            assert segments.code_shape(theirs.source) == segments.code_shape(mine.source), mine.id


def _without_words(call: checkspec.CheckCall):
    probes = [{k: v for k, v in p.items() if k not in WORDS_ONLY} for p in call.probes]
    return call.question, call.hidden, probes


def test_every_check_probes_the_same_values_with_chinese_hints(pair):
    """The grader reads probes from the source: only a hint or a name may differ, and it is Chinese."""
    checked = 0
    for mine, theirs in _pairs(pair):
        english_calls = checkspec.parse(mine.source) if mine.cell_type == "code" else None
        if not english_calls:
            continue
        chinese_calls = checkspec.parse(theirs.source)
        assert chinese_calls is not None, f"{mine.id} is no longer a pure check cell"
        assert [_without_words(c) for c in chinese_calls] == [_without_words(c) for c in english_calls]
        for call in chinese_calls:  # a name may be code kept as it is, "count_weights(4, 8, 10)"
            assert all(CJK.search(p["hint"]) for p in call.probes if "hint" in p), mine.id
            assert spec_language(call.probes) in ("zh_CN", None), mine.id
        checked += 1
    assert checked >= 4


def test_every_markdown_cell_with_words_is_chinese(pair):
    """A paragraph left in English is a hole in the Chinese lesson."""
    for _, theirs in _pairs(pair):
        if theirs.cell_type == "markdown" and re.search(r"[A-Za-z]", theirs.source):
            assert CJK.search(theirs.source), theirs.id


def test_every_picture_exists_and_is_the_chinese_copy_when_there_is_one(pair):
    """The student book is not executed: its pictures are the only figures a student sees."""
    english, chinese = pair
    assert chinese.figures, english.id
    for figure in chinese.figures:
        assert (chinese.folder / figure).is_file(), figure
    for figure in english.figures:
        localized = figure.replace("assets/", "assets/zh_CN/", 1)
        if (english.folder / localized).is_file():
            assert localized in chinese.figures


def test_metadata_says_the_language_and_is_translated(pair):
    """Everything that reads units reads the edition: it must know its language, and speak it."""
    english, chinese = pair
    assert chinese.meta["lang"] == "zh_CN" and "lang" not in english.meta
    assert (chinese.meta["id"], chinese.meta["strand"], chinese.meta["tier"]) == (
        english.meta["id"],
        english.meta["strand"],
        english.meta["tier"],
    )
    assert CJK.search(chinese.meta["title"]) and CJK.search(chinese.meta["summary"])


def test_translate_stubs_turns_nbgrader_stubs_into_chinese():
    """A student of the Chinese edition sees where to write in Chinese, in the same place."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"),
        nbformat.v4.new_markdown_cell("YOUR ANSWER HERE"),
    ]
    edition.translate_stubs(nb, "zh_CN")
    assert nb.cells[0].source == "def f(x):\n    # 在这里写你的代码\n    raise NotImplementedError()"
    assert nb.cells[1].source == "在这里写你的答案"


def test_localize_images_swaps_only_pictures_that_have_a_copy():
    """A picture without a Chinese copy keeps the English one rather than breaking."""
    folder = units.get("ic-t1").folder
    text = "![a](assets/digit_grid.png) and ![b](assets/none.png) and ![c](https://x.org/a.png)"
    assert edition.localize_images(text, folder, "zh_CN") == (
        "![a](assets/zh_CN/digit_grid.png) and ![b](assets/none.png) and ![c](https://x.org/a.png)"
    )


def test_a_missing_translation_names_the_catalogue_and_the_command():
    """An author who adds English must be told where to translate it and how to get the entry."""
    unit = units.get("ic-t1")
    translate = sources.Source(unit.id, unit.folder).translator("zh_CN")
    key = next(k for k in translate.table if k[0] == "ic-t1-hook")
    del translate.table[key]
    with pytest.raises(edition.Missing) as info:
        edition.translate_notebook(unit.notebook, translate, unit.folder)
    text = str(info.value)
    assert "no zh_CN translation of" in text and "(ic-t1-hook)" in text
    assert "notebooks/image-classifiers/ic-t1/locale/zh_CN.po" in text
    assert "ailab translate ic-t1 --lang zh_CN" in text


def _code_names(unit) -> set[str]:
    """Every Python name the unit's code uses: a hint may say `row` or `train_labels` in any language."""
    names = set()
    for cell in unit.notebook.cells:
        if cell.cell_type == "code":
            try:
                tokens = list(tokenize.generate_tokens(io.StringIO(cell.source).readline))
            except (tokenize.TokenError, SyntaxError):
                continue
            names |= {t.string for t in tokens if t.type == tokenize.NAME}
    return names - set(keyword.kwlist)  # "and", "not", "for" are English words, not names


def _public_q1(unit) -> list[dict]:
    cell = next(c for c in unit.notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1")
    return list(next(call for call in checkspec.parse(cell.source) if not call.hidden).probes)


def _english_words(text: str, probes: list[dict], names: set[str]) -> list[str]:
    """ASCII words of 3+ letters left once code (backtick spans, the probes' exprs, Python names) is gone."""
    text = re.sub(r"`[^`]*`", " ", text)
    for probe in probes:
        text = text.replace(probe["expr"], " ")
    words = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text)
    return [w for w in words if len(re.sub(r"[^A-Za-z]", "", w)) >= 3 and w not in names]


WRONG_NUMBER = ("value", 99.0)
WRONG_TYPE = ("value", "15")


@pytest.mark.parametrize(
    ("outcome", "hidden"),
    [
        pytest.param(WRONG_NUMBER, False, id="wrong number"),
        pytest.param(WRONG_NUMBER, True, id="wrong number, hidden"),
        pytest.param(("error", STUB_ERROR), False, id="unanswered"),
        pytest.param(WRONG_TYPE, True, id="wrong type, hidden"),
        pytest.param(WRONG_TYPE, False, id="wrong type"),
    ],
)
def test_a_chinese_check_answers_wholly_in_chinese(editions, monkeypatch, outcome, hidden):
    """A Chinese student reads every word of a failed check; only code may stay as it is."""
    monkeypatch.setenv("AILAB_LANG", "en")  # the check's own hints choose the language, not the kernel
    english, chinese = editions["ic-t1"]
    probes = _public_q1(chinese)
    passed, text = report("q1", probes, [outcome] * len(probes), hidden, None)
    assert not passed and CJK.search(text), text
    assert _english_words(text, probes, _code_names(english)) == [], text


def test_an_english_check_answers_in_english_even_in_a_chinese_kernel(monkeypatch):
    """An English notebook opened where AILAB_LANG=zh_CN must not mix Chinese verdicts into English hints."""
    monkeypatch.setenv("AILAB_LANG", "zh_CN")
    probes = _public_q1(units.get("ic-t1"))
    passed, text = report("q1", probes, [("value", 99.0)] * len(probes), False, None)
    assert not passed and not CJK.search(text), text
    assert "expected 13.0, but got 99.0" in text and "Hint: " in text
