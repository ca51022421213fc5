"""Every word of the vocabularies has its Chinese, so no table in the Chinese books falls back to English."""

from __future__ import annotations

from grader.authoring import units


def test_every_vocabulary_entry_has_a_chinese_name():
    english, chinese = units.vocabulary("en"), units.vocabulary("zh_CN")
    for kind in ("ai4k12", "stage_goals", "tiers", "strands"):
        assert set(chinese[kind]) == set(english[kind]), kind
        for name in chinese[kind].values():
            assert any("\u4e00" <= ch <= "\u9fff" or ch.isdigit() for ch in name), name
