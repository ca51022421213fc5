"""A Chinese student's lab: JupyterLab's menus, the notebook and every check answer in Chinese."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat

from grader.authoring import units
from grader.i18n import sources
from grader.instructor import sampleclass
from tests.browser import Watcher, browser
from tests.jupyter import TOKEN, jupyterlab

UNIT = "ic-t1"
SHOTS = Path(os.environ.get("AILAB_SCREENSHOTS", "/tmp/ailab-screenshots"))
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def _answers(path: Path) -> None:
    """Every answer right except the last, q7 (Run All stops at the first failed check)."""
    zh = sources.translated_unit(units.get(UNIT), "zh_CN")
    nb = sampleclass.samples(zh, nbformat.read(path, as_version=4))["correct"]
    wrong = sampleclass.samples(zh, nbformat.read(path, as_version=4))["wrong"]
    for cell, bad in zip(nb.cells, wrong.cells, strict=True):
        if units.grade_id(cell) == "q7-answer":
            cell.source = bad.source
    nbformat.write(nb, path)


def test_a_chinese_student_lab_answers_in_chinese(course_copy, tmp_path):
    space = tmp_path / "lihua"
    args = ("student", "--course", str(course_copy.root), "--student", "李华", "--workspace", str(space))
    log = tmp_path / "lab.log"
    with jupyterlab(*args, "--lang", "zh_CN", cwd=tmp_path, log=log) as base, browser() as chrome:
        notebook = space / UNIT / f"{UNIT}.ipynb"
        assert nbformat.read(notebook, as_version=4).metadata["ailab"]["lang"] == "zh_CN"
        _answers(notebook)
        page = chrome.new_page(viewport={"width": 1400, "height": 1000})
        watcher = Watcher(page)
        page.goto(f"{base}/lab/tree/{UNIT}/{UNIT}.ipynb?token={TOKEN}")
        title = sources.translated_unit(units.get(UNIT), "zh_CN").meta["title"]
        page.locator(".jp-MarkdownCell", has_text=title).first.wait_for(timeout=90_000)
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert "文件" in menus and "运行" in menus, menus  # the language pack, chosen by --lang
        page.locator(".lm-MenuBar-itemLabel", has_text="运行").first.click()
        page.locator(".lm-Menu-itemLabel").get_by_text("运行所有单元格", exact=True).click()
        page.locator(".jp-OutputArea-output", has_text=re.compile(r"q7\b")).wait_for(timeout=180_000)
        page.locator(".jp-OutputArea-output", has_text="❌ q7").first.scroll_into_view_if_needed()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "student-lab-zh.png"))
        page.keyboard.press("Control+s")  # JupyterLab draws only the cells in view: read the saved outputs
        page.wait_for_function("!document.querySelector('.jp-mod-current.jp-mod-dirty')", timeout=30_000)
        assert watcher.outside == []
    texts = [
        (out.get("text") or out.get("evalue") or "").strip()
        for cell in nbformat.read(notebook, as_version=4).cells
        if units.is_test(cell)
        for out in cell.get("outputs", [])
    ]
    assert any(t.startswith("❌ q7") for t in texts) and sum(t.startswith("✅") for t in texts) == 6, texts
    code_words = set(re.findall(r"[A-Za-z_]\w*", "\n".join(c.source for c in units.get(UNIT).notebook.cells)))
    for text in texts:
        prose = re.sub(r"`[^`]*`", " ", text)
        assert not set(ENGLISH_WORD.findall(prose)) - code_words, text  # only names from the code
        assert "提示" in text or text.startswith("✅")
