"""Both editions of the book build with warnings as errors, and work in a real browser."""

from __future__ import annotations

import pytest

from grader import book, units
from tests.browser import Watcher, browser, serve


@pytest.fixture(scope="module")
def sites():
    return {edition: book.build(edition) for edition in book.EDITIONS}


@pytest.fixture(scope="module")
def chrome():
    with browser() as chrome:
        yield chrome


def _open(chrome, url):
    page = chrome.new_page()
    watcher = Watcher(page)
    page.goto(url, wait_until="networkidle")
    return page, watcher


@pytest.mark.parametrize("edition", book.EDITIONS)
def test_landing_page_navigation_and_search(sites, chrome, edition):
    with serve(sites[edition]) as base:
        page, watcher = _open(chrome, f"{base}/intro.html")
        assert "AI Literacy Lab" in page.title()
        page.click("text=How to use this course")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith("how-to-use.html")
        page.goto(f"{base}/search.html?q=neighbour", wait_until="networkidle")
        page.wait_for_selector("#search-results li", timeout=20_000)
        assert "ic-t1" in page.inner_html("#search-results")
        assert watcher.errors == [] and watcher.outside == []


@pytest.mark.parametrize("edition", book.EDITIONS)
@pytest.mark.parametrize("unit", [u.id for u in units.discover()])
def test_every_unit_page_renders_with_its_figures(sites, chrome, edition, unit):
    meta = units.get(unit).meta
    with serve(sites[edition]) as base:
        page, watcher = _open(chrome, f"{base}/units/{unit}/{unit}.html")
        assert meta["title"] in page.inner_text("h1")
        images = page.eval_on_selector_all("article img", "els => els.map(e => [e.src, e.naturalWidth])")
        assert images and all(width > 0 for _, width in images), images
        text = page.inner_text("article")
        if edition == "student":
            assert "YOUR CODE HERE" in text and "BEGIN SOLUTION" not in text and "hidden=True" not in text
        else:
            assert "For the teacher" in text and "BEGIN SOLUTION" in text
            assert page.locator("article .cell_output img").count() > 0  # executed matplotlib figures
        assert "Rubric for r1" in text
        assert watcher.errors == [] and watcher.outside == [], (watcher.errors, watcher.outside)


def test_syllabus_and_strand_pages_are_derived_from_metadata(sites):
    syllabus = (sites["student"] / "syllabus.html").read_text()
    for unit in units.discover():
        assert unit.meta["title"] in syllabus
        for objective in unit.meta["objectives"]:
            assert objective["text"].split()[0] in syllabus
