"""One list of terms (术语表) for the glossary page, the search box and every translation."""

from __future__ import annotations

import pytest

from grader.i18n import catalog, glossary, sources

SOURCES = sources.sources()  # every unit, the book's pages and instructors/


def test_misuses_catches_a_missing_term():
    """Two words for one idea confuse students: 'accuracy' is always 准确率."""
    assert glossary.misuses("The accuracy is 90 %.", "准确率是 90 %。") == []
    assert glossary.misuses("The accuracy is 90 %.", "正确率是 90 %。") == ["'accuracy' should be 准确率"]


def test_misuses_catches_an_avoided_form_even_beside_the_right_term():
    """精度 means precision in Chinese textbooks: it may not appear for accuracy at all."""
    assert glossary.misuses("The accuracy is 90 %.", "准确率（精度）是 90 %。") == ["精度 should be 准确率"]


def test_misuses_ignores_inline_code_and_math():
    """Code and formulas stay as the English writes them, so they neither need nor break a term."""
    assert glossary.misuses("Call `accuracy(y, p)`.", "调用 `accuracy(y, p)`。") == []
    assert glossary.misuses("Print `x`.", "打印 `精度`。") == []
    assert glossary.misuses("Let $pixel_{ij}$ be one number.", "设 $pixel_{ij}$ 为一个数。") == []
    assert glossary.misuses("Let one pixel be one number.", "设它为一个数。") == ["'pixel' should be 像素"]


def test_a_term_marked_check_false_is_not_required():
    """Words with several meanings (label, loss, weight) are translated by the sentence, not forced."""
    loose = next(t for t in glossary.terms() if not t.check)
    assert glossary.misuses(f"The {loose.en[0]} here.", "这里的答案。") == []


@pytest.mark.parametrize("source", SOURCES, ids=[s.name for s in SOURCES])
def test_every_finished_entry_of_every_catalogue_uses_the_glossary(source):
    """The consistency the issue asks for: the same English term reads the same in every unit and page."""
    table = catalog.translations(source.catalog("zh_CN"))
    assert table, f"{source.name} has no finished zh_CN entries"
    slips = [
        (context, english[:60], slip)
        for (context, english), chinese in table.items()
        for slip in glossary.misuses(english, chinese)
    ]
    assert slips == []


def test_the_glossary_page_lists_every_term_in_both_languages():
    """The 术语表 page is what teachers check a word against: no term may be missing from it."""
    chinese, english = glossary.page("zh_CN"), glossary.page("en")
    assert chinese.startswith("# 术语表") and english.startswith("# Glossary")
    for term in glossary.terms():
        assert f"| {term.zh} | {term.en[0]} | " in chinese, term.en[0]
        assert f"| {term.en[0]} | {term.zh} | " in english, term.en[0]
    rows = [line for line in chinese.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == len(glossary.terms()) + 1  # the header, then one row per term


def test_segmenter_words_keep_glossary_terms_whole():
    """Search must find 混淆矩阵 as one word, not as 混淆 and 矩阵."""
    words = glossary.segmenter_words().splitlines()
    assert "混淆矩阵 100000 n" in words
    assert all(not w.split()[0].isascii() for w in words)
