"""A unit notebook in another language, made from the English source and a catalogue.

Only the pieces :mod:`segments` names change; code, tests, nbgrader metadata
and cell ids stay exactly as in English, so a translated notebook grades like
the English one. nbgrader's stubs in student versions ("YOUR CODE HERE")
are translated too, and pictures under ``assets/`` are swapped for the
language's own copy when the unit has one.
"""

from __future__ import annotations

import copy
from pathlib import Path

from .. import paths
from ..authoring.units import IMAGE
from ..errors import UnitProblem
from ..messages import say
from . import segments

STUBS = {"YOUR CODE HERE": "edition.code_stub", "YOUR ANSWER HERE": "edition.answer_stub"}


class Missing(UnitProblem):
    """A piece of English with no finished translation."""


class Translator:
    """Looks pieces up in one catalogue's finished translations, for one notebook or page."""

    def __init__(self, table: dict[tuple[str, str], str], lang: str, where: str, fix: str) -> None:
        self.table, self.lang, self.where, self.fix = table, lang, where, fix

    def __call__(self, context: str, english: str) -> str:
        found = self.table.get((context, english))
        if found is not None:
            return found
        if english.strip() in STUBS:
            return english.replace(english.strip(), say(STUBS[english.strip()], lang=self.lang))
        short = english if len(english) < 60 else english[:57] + "..."
        raise Missing(f"no {self.lang} translation of {short!r} ({context})", self.where, self.fix)

    def markdown(self, context: str, text: str) -> str:
        return "".join(self(context, part) if ok else part for part, ok in segments.paragraphs(text))

    def code(self, context: str, source: str, frozen: frozenset[str], readers: bool = True) -> str:
        out, at = [], 0
        for piece in segments.code_pieces(source, frozen, readers):
            out += [source[at : piece.start], self(context, piece.text)]
            at = piece.end
        return "".join(out) + source[at:]

    def meta(self, context: str, meta):
        result = copy.deepcopy(meta)
        for path, text in segments.meta_texts(meta):
            holder = result
            for key in path[:-1]:
                holder = holder[key]
            holder[path[-1]] = self(context, text)
        return result


def translate_stubs(nb, lang: str):
    """nbgrader's "YOUR CODE HERE" / "YOUR ANSWER HERE" stubs in a student version, in ``lang``."""
    if lang == "en":
        return nb
    for cell in nb.cells:
        for english, key in STUBS.items():
            if english in cell.source:
                cell.source = cell.source.replace(english, say(key, lang=lang))
    return nb


def localize_images(text: str, folder: Path | None, lang: str) -> str:
    if folder is None:
        return text

    def swap(match) -> str:
        whole, target = match.group(0), match.group(1)
        return whole.replace(f"({target})", f"({paths.localized_asset(folder, target, lang)})")

    return IMAGE.sub(swap, text)


def translate_notebook(nb, translate: Translator, folder: Path | None = None):
    """A translated copy of a unit notebook (source, release or any version made from it)."""
    out = copy.deepcopy(nb)
    frozen = segments.frozen_values([c.source for c in nb.cells if c.cell_type == "code"])
    for cell in out.cells:
        if cell.metadata.get("ailab", {}).get("derived"):
            continue  # made from metadata (a rubric): the caller makes it again in the language
        if cell.cell_type == "markdown":
            cell.source = localize_images(translate.markdown(cell.id, cell.source), folder, translate.lang)
        elif cell.cell_type == "code":
            cell.source = translate.code(cell.id, cell.source, frozen)
        if "ailab" in cell.metadata:
            cell.metadata["ailab"] = translate.meta(cell.id, cell.metadata["ailab"])
    ailab = out.metadata.get("ailab", {})
    out.metadata["ailab"] = {**translate.meta("unit", ailab), "lang": translate.lang}
    return out
