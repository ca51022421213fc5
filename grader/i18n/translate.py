"""``ailab translate``: bring catalogues in step with the English, and say what is left to do."""

from __future__ import annotations

from .. import paths
from . import catalog, sources


def refresh(names: list[str] | None, lang: str) -> list[str]:
    """Refresh the named catalogues (all when none are named); one line of counts per catalogue."""
    lines = []
    for source in sources.sources(names):
        result = catalog.refresh(source.catalog(lang), source.pieces(), lang)
        where = paths.shown(source.catalog(lang))
        lines.append(
            f"{where}: {result.kept} translated, {result.fuzzy} to revise (fuzzy), "
            f"{result.new} to translate, {result.dropped} dropped"
        )
    return lines
