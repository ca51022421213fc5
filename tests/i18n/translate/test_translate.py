"""Every catalogue is exactly what ``ailab translate`` writes: refreshed, nothing left to do."""

from __future__ import annotations

import shutil

import pytest

from grader.i18n import catalog, sources
from grader.i18n.translate import refresh


@pytest.mark.parametrize("source", sources.sources(None), ids=lambda s: s.name)
def test_refreshing_a_catalogue_changes_nothing(source, tmp_path):
    """A catalogue someone edited by hand, or left behind an English edit, would come out different."""
    copy = tmp_path / "zh_CN.po"
    shutil.copy2(source.catalog("zh_CN"), copy)
    result = catalog.refresh(copy, source.pieces(), "zh_CN")
    assert (result.fuzzy, result.new, result.dropped) == (0, 0, 0)
    assert copy.read_bytes() == source.catalog("zh_CN").read_bytes()


def test_the_command_says_what_is_left_per_catalogue(monkeypatch):
    saved = []

    def counted(path, pieces, lang):
        saved.append(path)
        return catalog.Refresh(kept=3)

    monkeypatch.setattr(catalog, "refresh", counted)
    lines = refresh(["ic-t1", "book"], "zh_CN")
    assert [p.name for p in saved] == ["zh_CN.po", "zh_CN.po"] and len(lines) == 2
    assert lines[0].startswith("notebooks/image-classifiers/ic-t1/locale/zh_CN.po: 3 translated, 0 to revise")
