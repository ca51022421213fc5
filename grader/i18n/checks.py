"""What ``ailab validate`` says about translations: complete, current, on the glossary, same code.

Each problem is ``(where, what, fix)``; the validator adds the unit. A
translation is complete when every piece of English has a finished entry,
current when no entry is marked fuzzy and none translates English that is
gone, and faithful when it keeps the English numbers, uses the glossary's
terms and leaves every code cell the same program.
"""

from __future__ import annotations

from .. import paths
from ..authoring import units
from . import catalog, glossary, segments, sources

WHAT = {
    "missing": "no {lang} translation of {text!r}",
    "outdated": "the English changed, so the {lang} translation of {text!r} is out of date",
    "leftover": "the {lang} catalogue still translates {text!r}, which the English no longer has",
    "number": "the {lang} translation drops a number the English states ({text})",
}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:67] + "..."


def catalog_problems(source: sources.Source, lang: str) -> list[tuple[str, str, str]]:
    """Missing, out-of-date and leftover entries, dropped numbers and glossary slips of one catalogue."""
    path = source.catalog(lang)
    where_file = paths.shown(path)
    out = []
    for problem in catalog.problems(path, source.pieces()):
        refresh = f"run `ailab translate {source.name} --lang {lang}`"
        fix = {
            "outdated": f"{refresh}, then revise the entries marked fuzzy in {where_file}",
            "leftover": f"{refresh}: it drops entries the English no longer has",
            "number": f"keep the digits in {where_file} (or explain in a '# numbers:' note)",
        }.get(problem.kind, source.fix(lang))
        what = WHAT[problem.kind].format(lang=lang, text=_short(problem.text))
        out.append((f"{lang} {problem.context}", what, fix))
    for (context, english), translated in catalog.translations(path).items():
        for slip in glossary.misuses(english, translated):
            what = f"the {lang} translation of {_short(english)!r} strays from the glossary: {slip}"
            out.append((f"{lang} {context}", what, f"use the term of book/glossary.yml in {where_file}"))
    return out


def unit_problems(unit: units.Unit, lang: str) -> list[tuple[str, str, str]]:
    """Catalogue problems, then (if it is whole) the translated notebook's code and pictures."""
    source = sources.Source.of(unit)
    out = catalog_problems(source, lang)
    if out:
        return out
    translated = sources.translated_unit(unit, lang)
    for english, other in zip(unit.notebook.cells, translated.notebook.cells, strict=True):
        if english.cell_type == "code" and segments.code_shape(english.source) != segments.code_shape(
            other.source
        ):
            out.append(
                (
                    f"{lang} {english.id}",
                    "the translated code is not the same program as the English (a quote or a field changed)",
                    f"fix that cell's strings in {paths.shown(source.catalog(lang))}",
                )
            )
    for figure in translated.figures:
        if not (translated.folder / figure).exists():
            out.append(
                (
                    f"{lang} markdown",
                    f"figure {figure!r} does not exist",
                    "run the unit's assets/make_figures.py",
                )
            )
    return out


def page_problems(lang: str) -> list[tuple[str, str, str]]:
    """The hand-written book pages' and instructors/ catalogues."""
    out = []
    for source in sources.sources(["book", "instructors"]):
        out += [(f"{source.name} {where}", what, fix) for where, what, fix in catalog_problems(source, lang)]
    return out
