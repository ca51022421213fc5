"""The course's terms (术语表): one list, used by the book's glossary page and by every translation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from .. import paths


@dataclass(frozen=True)
class Term:
    en: tuple[str, ...]
    zh: str
    avoid: tuple[str, ...]
    check: bool
    define: str
    zh_define: str

    def used_in(self, english: str) -> bool:
        # a word, not part of a file name or a dotted name (assets/projection.png)
        words = (rf"(?<![\w/.-]){re.escape(form)}(?![\w/-]|\.\w)" for form in self.en)
        return any(re.search(pattern, english, re.I) for pattern in words)


@cache
def terms() -> tuple[Term, ...]:
    raw = yaml.safe_load(paths.GLOSSARY.read_text(encoding="utf-8"))
    return tuple(
        Term(
            tuple(t["en"]),
            t["zh"],
            tuple(t.get("avoid", ())),
            t.get("check", True),
            t["define"],
            t["zh_define"],
        )
        for t in raw
    )


def _prose(text: str) -> str:
    """Text without code, math, f-string fields and link targets: terms are judged in words only."""
    return re.sub(r"`[^`]*`|\$\$.*?\$\$|\$[^$]*\$|\{[^{}]*\}|\]\([^)]*\)", " ", text, flags=re.S)


def misuses(english: str, chinese: str) -> list[str]:
    """Where a translation strays from the glossary: a term's Chinese missing, or a form to avoid used."""
    found = []
    english, chinese = _prose(english), _prose(chinese)
    for term in terms():
        if term.check and term.used_in(english) and term.zh not in chinese:
            found.append(f"'{term.en[0]}' should be {term.zh}")
        for bad in term.avoid:
            if bad in chinese:
                found.append(f"{bad} should be {term.zh}")
    return found


def segmenter_words() -> str:
    """The glossary's Chinese terms as a jieba user dictionary, so search finds 混淆矩阵 as one word."""
    return "".join(f"{t.zh} 100000 n\n" for t in terms() if " " not in t.zh and not t.zh.isascii())


def page(lang: str) -> str:
    """The glossary as a book page: English first or Chinese first, by the book's language."""
    rows = sorted(terms(), key=lambda t: t.en[0].lower())
    if lang == "en":
        head = "# Glossary (术语表)\n\nThe course's terms in English and Simplified Chinese.\n\n"
        table = "| English | 中文 | Meaning |\n| --- | --- | --- |\n"
        body = "".join(f"| {t.en[0]} | {t.zh} | {t.define} |\n" for t in rows)
    else:
        head = "# 术语表（Glossary）\n\n本课程所用术语的中英文对照。中文版的所有内容都统一使用这些术语。\n\n"
        table = "| 中文 | English | 含义 |\n| --- | --- | --- |\n"
        body = "".join(f"| {t.zh} | {t.en[0]} | {t.zh_define} |\n" for t in rows)
    return head + table + body.replace("\\|", "|")
