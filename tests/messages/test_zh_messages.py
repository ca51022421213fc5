"""The Simplified Chinese catalogue is whole, formats like the English one, and reads as Chinese."""

from __future__ import annotations

import re
import string

from grader.messages import catalogue

# Han characters, CJK punctuation (、。「」) and full-width forms (（），：).
CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")
# Values that are names, not sentences: the same in every language.
NO_CJK = {
    "table.bubblewrap": "the sandbox's program name, a table column",
    "table.ai4k12": "the name of the AI4K12 guidelines, a table column",
    "book.other_language": "the switch to the English book, named in English",
}
# Names students and teachers see as they are on their screens and in their package managers.
PRODUCT_NAMES = {
    "ailab",
    "formgrader",
    "Jupyter",
    "JupyterLab",
    "Python",
    "bubblewrap",
    "bwrap",
    "Debian",
    "macOS",
    "cgroup",
    "rlimit",
    "root",  # the superuser, as Chinese system documentation calls it
    "fork",  # "fork 炸弹", the usual Chinese term
}
# English on purpose in one message: nbgrader's menus have no Chinese, commands are typed as they are.
PHRASES = {
    "feedback.awaiting_fix": ["Formgrader → Manual Grading"],
    "collect.exchange_empty_fix": ["Nbgrader → Assignment List → Submit"],
    "collect.no_inputs_fix": ["ailab collect"],
    "sandbox.missing_fix": ["apt-get install bubblewrap"],
    "limits.why.not_delegated": ["memory", "pids"],  # the names of cgroup controllers
    "limits.why.no_controllers": ["memory", "pids"],
}
# Code outside backticks: command-line options, paths, file names and identifiers with underscores.
CODE = re.compile(r"`[^`]*`|\S*\.(?:ipynb|py|zip|csv)\b|\{[^{}]*\}|--[\w-]+|\S*/\S*|\S*_\S*")


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _english_words(key: str, text: str) -> list[str]:
    for phrase in PHRASES.get(key, []):
        text = text.replace(phrase, " ")
    words = re.findall(r"[A-Za-z]{4,}", CODE.sub(" ", text))
    return [w for w in words if w not in PRODUCT_NAMES]


def test_every_english_key_is_translated_with_the_same_placeholders():
    """A missing key falls back to English mid-sentence; a renamed {field} crashes say() at run time."""
    english, chinese = catalogue("en"), catalogue("zh_CN")
    assert sorted(set(english) - set(chinese)) == []
    assert sorted(set(chinese) - set(english)) == []
    for key, text in english.items():
        assert _fields(chinese[key]) == _fields(text), key


def test_every_chinese_message_is_chinese_or_a_name():
    """A value copied from English by mistake shows up here; names are listed with their reason."""
    chinese = catalogue("zh_CN")
    untranslated = [key for key, text in chinese.items() if not CJK.search(text) and key not in NO_CJK]
    assert untranslated == []
    assert all(not CJK.search(chinese[key]) for key in NO_CJK)  # the list holds only real exceptions


def test_no_chinese_message_holds_an_english_word_outside_code():
    """English fragments left in a sentence: a Chinese teacher should not have to read them."""
    chinese = catalogue("zh_CN")
    found = {key: _english_words(key, text) for key, text in chinese.items() if key not in NO_CJK}
    assert {key: words for key, words in found.items() if words} == {}


def test_every_allowance_is_used():
    """An allowance no message needs any more would hide the next English fragment."""
    chinese = catalogue("zh_CN")
    for key, phrases in PHRASES.items():
        assert all(phrase in chinese[key] for phrase in phrases), key
    text = " ".join(CODE.sub(" ", value) for value in chinese.values())
    assert {name for name in PRODUCT_NAMES if not re.search(rf"\b{re.escape(name)}\b", text)} == set()


def test_the_checker_finds_english_in_a_sentence():
    """Proof the word check can fail: one untranslated clause is caught, code around it is not."""
    assert _english_words("x", "请运行 `ailab grade {unit}`，--course 目录") == []
    assert _english_words("x", "请先 run the cells，再检查") == ["cells"]
