"""The Chinese books: Chinese search, real glyphs, links to the English pages, nothing fetched."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from grader.authoring import book, units
from grader.i18n import glossary
from grader.messages import say
from tests.browser import open_page, serve

CJK = re.compile(r"[\u4e00-\u9fff]")
HREFS = "els => els.map(e => e.getAttribute('href'))"
SHOTS = Path(os.environ.get("AILAB_SCREENSHOTS", "/tmp/ailab-screenshots"))


@pytest.fixture(scope="module")
def sites():
    """Both editions in both languages: the sites sit side by side, so cross-language links work."""
    return {(ed, lang): book.build(ed, lang) for ed in book.EDITIONS for lang in ("en", "zh_CN")}



def test_searching_a_chinese_term_finds_its_unit(sites, chrome):
    root = sites[("student", "zh_CN")].parent
    with serve(root) as base:
        page, watcher = open_page(chrome, f"{base}/site-student-zh_CN/search.html?q=混淆矩阵")
        page.wait_for_selector("#search-results li a", timeout=30_000)
        found = page.eval_on_selector_all("#search-results li a", HREFS)
        assert any("units/ic-t1/ic-t1" in href for href in found), found
        page.goto(f"{base}/site-student-zh_CN/search.html?q=对抗样本", wait_until="networkidle")
        page.wait_for_selector("#search-results li a", timeout=30_000)
        found = page.eval_on_selector_all("#search-results li a", HREFS)
        assert any("units/ic-t3/ic-t3" in href for href in found), found
        assert watcher.outside == [] and watcher.errors == []


# Distinct characters must draw distinct pixels: a missing font draws every one as the same box.
GLYPHS = """([a, b]) => {
  const font = getComputedStyle(document.querySelector('article')).fontFamily;
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 40; c.height = 40;
    const g = c.getContext('2d'); g.font = '32px ' + font; g.fillText(ch, 2, 34);
    return Array.from(g.getImageData(0, 0, 40, 40).data).join(',');
  };
  return [draw(a) !== draw(b), draw(a) !== draw('\\u3000')];
}"""


@pytest.mark.parametrize("edition", book.EDITIONS)
def test_chinese_pages_draw_real_characters_and_fetch_nothing(sites, chrome, edition):
    root = sites[(edition, "zh_CN")].parent
    SHOTS.mkdir(parents=True, exist_ok=True)
    with serve(root) as base:
        for unit in units.discover():
            page, watcher = open_page(chrome, f"{base}/site-{edition}-zh_CN/units/{unit.id}/{unit.id}.html")
            text = page.inner_text("article")
            assert len(CJK.findall(text)) > 1000, unit.id
            assert page.evaluate(GLYPHS, ["混", "淆"]) == [True, True]
            assert watcher.outside == [] and watcher.errors == [], (watcher.outside, watcher.errors)
            page.screenshot(path=str(SHOTS / f"book-{edition}-zh-{unit.id}.png"))
            page.close()


@pytest.mark.parametrize("edition", book.EDITIONS)
def test_every_page_links_to_itself_in_the_other_language(sites, edition):
    for lang, other in (("en", "zh_CN"), ("zh_CN", "en")):
        site = sites[(edition, lang)]
        skip = ("search.html", "genindex.html")
        pages = [p for p in site.rglob("*.html") if p.name not in skip and "_static" not in p.parts]
        assert len(pages) >= 8
        for html in pages:
            text = html.read_text(encoding="utf-8")
            if 'http-equiv="Refresh"' in text:
                continue  # the index page only redirects
            href = re.search(r'class="ailab-other-language"><a href="([^"]+)"', text)
            assert href, html
            target = (html.parent / href[1]).resolve()
            assert target.is_file() and target.is_relative_to(sites[(edition, other)]), (html, href[1])


def test_chinese_editions_speak_chinese_for_their_own_parts(sites):
    student = (sites[("student", "zh_CN")] / "units/ic-t1/ic-t1.html").read_text(encoding="utf-8")
    teacher = (sites[("instructor", "zh_CN")] / "units/ic-t1/ic-t1.html").read_text(encoding="utf-8")
    for heading in ("教学重点", "教学难点", "讨论题参考答案", "常见错误及应对", "备用方案", "教学安排"):
        assert heading in teacher and heading not in student
    assert say("book.banner", lang="zh_CN") in teacher
    assert "参考答案" in teacher and "r1 的评分量规" in student
    assert "YOUR CODE HERE" not in student and "在这里写你的代码" in student  # nbgrader's stubs too
    for english in ("For the teacher", "Lesson plan", "Model answer", "Rubric for", "Key points"):
        assert english not in teacher and english not in student
    glossary_page = (sites[("student", "zh_CN")] / "glossary.html").read_text(encoding="utf-8")
    assert all(term.zh in glossary_page for term in glossary.terms())


def test_the_chinese_instructor_edition_answers_the_discussion_prompts_in_chinese(sites):
    """Each prompt's answer is printed under the line that asks it, in the page's language."""
    from grader.i18n import sources

    site = sites[("instructor", "zh_CN")]
    for unit in units.discover():
        html = (site / "units" / unit.id / f"{unit.id}.html").read_text(encoding="utf-8")
        english = unit.meta["teacher_notes"]["prompts"]
        chinese = sources.translated_unit(unit, "zh_CN").meta["teacher_notes"]["prompts"]
        for en, zh in zip(english, chinese, strict=True):
            assert CJK.search(zh["answer"]) and zh["answer"][:12] in html, (unit.id, zh["id"])
            assert en["answer"][:40] not in html, (unit.id, en["id"])
