"""`--lang zh_CN` opens JupyterLab in Chinese by default, without taking the choice from the user."""

from __future__ import annotations

import json

from grader.deploy import lab


def test_chinese_is_a_default_of_jupyterlab_settings(tmp_path):
    folder = lab.language_settings(tmp_path / "settings", "zh_CN")
    overrides = json.loads((folder / "overrides.json").read_text(encoding="utf-8"))
    assert overrides == {"@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"}}
    assert f"--LabApp.app_settings_dir={folder}" in lab.command(tmp_path, 8888, True, folder)


def test_english_changes_nothing(tmp_path):
    assert lab.language_settings(tmp_path / "settings", "en") is None
    assert not (tmp_path / "settings").exists()
    assert not any("app_settings_dir" in part for part in lab.command(tmp_path, 8888, True))


def test_the_chinese_language_pack_is_installed():
    import jupyterlab_language_pack_zh_CN  # noqa: F401  (the package --lang zh_CN relies on)
