"""Which English sources have catalogues, and the translated units made from them.

Units keep ``locale/<lang>.po`` in their own folder; the hand-written book
pages share ``book/locale/<lang>.po`` and ``instructors/`` has its own. A
translated unit is written under ``build/<lang>/notebooks/`` in the same
layout as ``notebooks/``, so everything that reads units reads it unchanged.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import paths
from ..authoring import units
from . import catalog, figures
from .edition import Translator, translate_notebook

BOOK_PAGES = (
    "intro.md",
    "how-to-use.md",
    "authoring.md",
    "strands/image-classifiers.md",
    "strands/chatbot-ethics.md",
    "strands/data-privacy.md",
)
INSTRUCTOR_PAGES = ("README.md",)


@dataclass(frozen=True)
class Source:
    """One catalogue and the English it translates."""

    name: str  # a unit id, "book" or "instructors"
    folder: Path
    unit: units.Unit | None = field(default=None, compare=False)

    @classmethod
    def of(cls, unit: units.Unit) -> Source:
        """A unit's catalogue, read against the unit as loaded (which need not be under notebooks/)."""
        return cls(unit.id, unit.folder, unit)

    def catalog(self, lang: str) -> Path:
        return paths.catalog(self.folder, lang)

    def pieces(self) -> list[catalog.Piece]:
        if self.name == "book":
            return _page_pieces(paths.BOOK_PAGES, BOOK_PAGES)
        if self.name == "instructors":
            return _page_pieces(paths.INSTRUCTORS, INSTRUCTOR_PAGES)
        unit = self.unit or units.get(self.name)
        return catalog.notebook_pieces(unit.notebook) + figures.pieces(self.folder)

    def fix(self, lang: str) -> str:
        where = paths.shown(self.catalog(lang))
        return (
            f"run `ailab translate {self.name} --lang {lang}`, then finish {where} (Poedit or any .po editor)"
        )

    def translator(self, lang: str) -> Translator:
        where = paths.shown(self.catalog(lang))
        return Translator(catalog.translations(self.catalog(lang)), lang, where, self.fix(lang))


def _page_pieces(folder: Path, names: tuple[str, ...]) -> list[catalog.Piece]:
    pieces = []
    for name in names:
        if (folder / name).is_file():
            pieces += catalog.markdown_pieces(name, (folder / name).read_text(encoding="utf-8"))
    return pieces


def sources(unit_ids: list[str] | None = None) -> list[Source]:
    """The named units' catalogues, or every catalogue (units, book, instructors) when none are named."""
    chosen = [s for s in unit_ids or [] if s not in ("book", "instructors")]
    selected = [Source.of(u) for u in units.select(chosen)] if chosen or not unit_ids else []
    if not unit_ids or "book" in unit_ids:
        selected.append(Source("book", paths.BOOK_PAGES))
    if not unit_ids or "instructors" in unit_ids:
        selected.append(Source("instructors", paths.INSTRUCTORS))
    return selected


def translated_page(name: str, lang: str, folder: Path = paths.BOOK_PAGES, source: str = "book") -> str:
    """A hand-written page in ``lang`` (English when ``lang`` is the source language)."""
    text = (folder / name).read_text(encoding="utf-8")
    if lang == "en":
        return text
    return Source(source, folder).translator(lang).markdown(name, text)


def translated_unit(unit: units.Unit, lang: str) -> units.Unit:
    """The unit in ``lang``, written under ``build/<lang>/notebooks/`` (the unit itself for English)."""
    if lang == "en":
        return unit
    translate = Source.of(unit).translator(lang)
    nb = translate_notebook(unit.notebook, translate, unit.folder)
    target = paths.edition_notebooks(lang) / unit.meta["strand"] / unit.id
    target.mkdir(parents=True, exist_ok=True)
    for item in unit.folder.iterdir():
        if item.name in ("locale", ".ipynb_checkpoints", "__pycache__") or item.suffix == ".ipynb":
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name, dirs_exist_ok=True)
        else:
            shutil.copy2(item, target / item.name)
    text = nbformat.writes(nb)
    notebook = target / f"{unit.id}.ipynb"
    if not notebook.is_file() or notebook.read_text(encoding="utf-8") != text:
        notebook.write_text(text, encoding="utf-8")
    return units.load(notebook)
