"""Feedback pages in a real browser: the unit's figures load, tables read as tables,
and long check messages wrap instead of running off the edge."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from grader import nbgrader_api
from grader.authoring import units
from grader.grading.grade import grade
from grader.instructor import sampleclass
from grader.instructor.feedback import feedback
from grader.paths import Course
from tests.browser import browser, serve
from tests.helpers import release_nb, submit

UNIT = "ic-t1"
FIGURES = len(units.get(UNIT).figures)
# Set AILAB_SCREENSHOTS to a folder to keep the pages' screenshots for a look.
SHOTS = os.environ.get("AILAB_SCREENSHOTS")
CELL_STYLE = "e => [getComputedStyle(e).borderTopWidth, getComputedStyle(e).paddingLeft]"
CUT_OFF = "all => all.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText.slice(0, 80))"


@pytest.fixture(scope="module")
def pages(released, tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("feedback") / "course")
    shutil.copytree(released.root, course.root)
    kinds = sampleclass.samples(units.get(UNIT), release_nb(course, UNIT))
    for kind in ("correct", "wrong"):
        submit(course, UNIT, f"sample-{kind}", kinds[kind])
    grade(UNIT, course.root, workers=2, progress=False)
    with nbgrader_api.gradebook(course) as gb:  # the teacher grades the reflection in formgrader
        row = gb.find_grade("r1", UNIT, UNIT, "sample-correct")
        row.manual_score, row.needs_manual_grade = 4, False
        gb.db.commit()
    return course, {p.parent.parent.name: p for p in feedback(UNIT, course.root)}


def _open(chrome, page_path: Path, base: str, width: int):
    page = chrome.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{base}/{page_path.parent.parent.name}/{UNIT}/{page_path.name}")
    page.wait_for_load_state("networkidle")
    return page


def _shot(page, locator, name: str) -> None:
    if SHOTS:
        locator.scroll_into_view_if_needed()
        locator.screenshot(path=str(Path(SHOTS) / name))


def test_every_image_on_every_page_loads(pages):
    course, written = pages
    with serve(course.root / "feedback") as base, browser() as chrome:
        for student, path in written.items():
            page = _open(chrome, path, base, 1100)
            sizes = page.evaluate("[...document.images].map(i => [i.getAttribute('src'), i.naturalWidth])")
            assert len(sizes) >= FIGURES, student  # the unit's figures at least
            assert [src for src, width in sizes if width == 0] == [], student


def test_tables_have_borders_and_never_push_the_page_sideways(pages):
    """The rubric under the reflection is a table: readable cells at any width, scrolling itself if wide."""
    course, written = pages
    with serve(course.root / "feedback") as base, browser() as chrome:
        for width in (1100, 480):
            page = _open(chrome, written["sample-correct"], base, width)
            table = page.locator("table", has_text="Thorough")  # the rubric of r1
            _shot(page, table, f"rubric-{width}.png")
            cell = table.locator("td").nth(2)  # a descriptor: the longest text
            border, padding = cell.evaluate(CELL_STYLE)
            assert float(border.removesuffix("px")) >= 1 and float(padding.removesuffix("px")) >= 4
            assert cell.evaluate("e => e.getBoundingClientRect().width") >= 80  # words, not one letter a line
            page_overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
            assert page_overflow <= 1, "the page itself must not scroll sideways"
            fits_or_scrolls = (
                "e => e.getBoundingClientRect().right <= innerWidth + 1 || e.scrollWidth > e.clientWidth"
            )
            assert table.evaluate(fits_or_scrolls)


def test_long_check_messages_wrap_inside_their_box(pages):
    course, written = pages
    with serve(course.root / "feedback") as base, browser() as chrome:
        page = _open(chrome, written["sample-wrong"], base, 800)
        boxes = page.locator(".output_subarea pre")
        assert boxes.count() >= 6
        q5 = page.locator(".output_error pre", has_text="q5, check").first
        _shot(page, q5, "check-q5.png")
        hint = units.get(UNIT).checks(next(c for c in units.get(UNIT).tests if units.grade_id(c) == "q5"))[0]
        assert hint.probes[0]["hint"][:40] in q5.inner_text()
        cut = boxes.evaluate_all(CUT_OFF)
        assert cut == []


def test_graded_and_feedback_folders_hold_the_figures_and_keep_what_was_there(pages):
    course, written = pages
    student = "sample-correct"
    for folder in (course.autograded(UNIT, student), course.feedback(UNIT, student)):
        assert (folder / "assets" / "digit_grid.png").is_file()
    mine = course.feedback(UNIT, student) / "assets" / "five_neighbours.png"
    mine.write_bytes(b"replaced by hand")
    feedback(UNIT, course.root)
    assert mine.read_bytes() == b"replaced by hand"
    graded = nbformat.read(course.autograded(UNIT, student) / f"{UNIT}.ipynb", as_version=4)
    assert any("assets/digit_grid.png" in c.source for c in graded.cells if c.cell_type == "markdown")
