"""Both editions of the book build with warnings as errors, and work in a real browser."""

from __future__ import annotations

import re

import nbformat
import pytest

from grader.authoring import book, teaching, units
from grader.messages import say
from tests.browser import open_page, serve

# Any of nbgrader's delimiters, however the line is commented.
DELIMITER_WORDS = re.compile(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS|MARK SCHEME)")
SOLUTION = re.compile(r"^[ \t]*### BEGIN SOLUTION\n(.*?)^[ \t]*### END SOLUTION", re.S | re.M)


def _solutions(unit, cell_type):
    """The solution blocks of a unit's source notebook, as its author wrote them."""
    return [
        block
        for cell in unit.notebook.cells
        if cell.cell_type == cell_type
        for block in SOLUTION.findall(cell.source)
    ]


def _rubric_ids(unit):
    return [units.grade_id(c) for c in unit.notebook.cells if units.ailab_meta(c).get("rubric")]


def _links(page, selector):
    return page.eval_on_selector_all(selector, "els => els.map(e => e.textContent.trim())")


@pytest.fixture(scope="module")
def sites():
    return {edition: book.build(edition) for edition in book.EDITIONS}



@pytest.mark.parametrize("edition", book.EDITIONS)
def test_landing_page_navigation_and_search(sites, chrome, edition):
    with serve(sites[edition]) as base:
        page, watcher = open_page(chrome, f"{base}/intro.html")
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
        page, watcher = open_page(chrome, f"{base}/units/{unit}/{unit}.html")
        assert meta["title"] in page.inner_text("h1")
        images = page.eval_on_selector_all("article img", "els => els.map(e => [e.src, e.naturalWidth])")
        assert images and all(width > 0 for _, width in images), images
        text = page.inner_text("article")
        if edition == "student":
            assert "YOUR CODE HERE" in text and "BEGIN SOLUTION" not in text and "hidden=True" not in text
        else:
            assert "For the teacher" in text and "hidden=True" in text
            assert page.locator("article .cell_output img").count() > 0  # executed matplotlib figures
        assert not DELIMITER_WORDS.search(text), DELIMITER_WORDS.search(text)
        assert "Rubric for r1" in text
        assert watcher.errors == [] and watcher.outside == [], (watcher.errors, watcher.outside)


def test_syllabus_and_strand_pages_are_derived_from_metadata(sites):
    syllabus = (sites["student"] / "syllabus.html").read_text()
    for unit in units.discover():
        assert unit.meta["title"] in syllabus
        for objective in unit.meta["objectives"]:
            assert objective["text"].split()[0] in syllabus


def test_instructor_pages_show_solutions_without_nbgrader_delimiters():
    for unit in units.discover():
        cells = book.unit_page(unit, "instructor").cells
        shown = "\n".join(c.source for c in cells)
        assert not DELIMITER_WORDS.search(shown), (unit.id, DELIMITER_WORDS.search(shown))
        code = "\n".join(c.source for c in cells if c.cell_type == "code")
        for block in _solutions(unit, "code"):
            assert block.rstrip() in code, (unit.id, block)
        answers = [c.source for c in cells if "{admonition} Model answer" in c.source]
        assert len(answers) == len(_solutions(unit, "markdown")), unit.id
        for block, answer in zip(_solutions(unit, "markdown"), answers, strict=True):
            last_line = block.strip().splitlines()[-1]
            assert last_line in answer.split("{admonition} Model answer", 1)[1], (unit.id, last_line)


def test_every_delimited_region_is_labelled_for_teachers_and_hidden_from_students(tmp_path):
    source = units.discover()[0]
    nb = nbformat.read(source.path, as_version=4)
    marked = nbformat.v4.new_markdown_cell(
        "### Explain it\n\n<!-- BEGIN MARK SCHEME -->\n*Mark scheme: one point per idea*\n\n"
        "- names a group\n<!-- END MARK SCHEME -->\nYOUR ANSWER HERE"
    )
    nb.cells.append(marked)
    path = tmp_path / source.path.name
    nbformat.write(nb, path)
    unit = units.Unit(path)
    instructor = book.unit_page(unit, "instructor").cells[-1].source
    assert not DELIMITER_WORDS.search(instructor)
    assert "{admonition} Mark scheme: one point per idea\n" in instructor and "- names a group" in instructor
    student = book.unit_page(unit, "student").cells[-1].source
    assert "names a group" not in student and "YOUR ANSWER HERE" in student and "Explain it" in student


def test_teacher_notes_come_before_the_first_section_of_the_unit():
    for unit in units.discover():
        cells = book.unit_page(unit, "instructor").cells
        notes = next(i for i, c in enumerate(cells) if c.get("id") == "ailab-teacher-notes")
        first_section = next(i for i, c in enumerate(cells) if c.source.startswith("## "))
        assert notes == first_section and cells[0].source.startswith("# "), unit.id
        for heading in (
            "## For the teacher",
            "### Objectives",
            "### Lesson plan",
            "### Grading",
            *NOTE_HEADINGS,
        ):
            assert f"\n{heading}\n" in f"\n{cells[notes].source}\n", (unit.id, heading)


NOTE_HEADINGS = (
    "### Key points (重点)",
    "### Difficult points (难点)",
    "### Answers to the discussion prompts",
    "### Common errors and what to say",
    "### Plan B",
)


def test_teacher_notes_answer_every_prompt_beside_its_question_and_only_for_teachers():
    for unit in units.discover():
        notes = unit.meta["teacher_notes"]
        teacher = next(
            c.source for c in book.unit_page(unit, "instructor").cells if c.get("id") == "ailab-teacher-notes"
        )
        student = "\n".join(c.source for c in book.unit_page(unit, "student").cells)
        for prompt in notes["prompts"]:
            asked = next(
                c for c in unit.notebook.cells if prompt["id"] in units.ailab_meta(c).get("prompts", [])
            )
            lines = [ln.strip() for ln in asked.source.splitlines() if teaching.PROMPT.search(ln)]
            nth = units.ailab_meta(asked)["prompts"].index(prompt["id"])
            line = re.sub(r"^(>\s?)*([*-]\s+)?", "", lines[nth])  # shown as a paragraph of its own
            question = teacher.index(line)  # the whole paragraph that asks, then the answer right under it
            assert teacher.index(f"\n\n> {prompt['answer']}", question) == teacher.index("\n\n> ", question)
            assert prompt["answer"] not in student, (unit.id, prompt["id"])
        for error in notes["common_errors"]:
            assert error["say"] in teacher.replace("\\|", "|") and error["say"] not in student


@pytest.mark.parametrize("edition", book.EDITIONS)
@pytest.mark.parametrize("unit", [u.id for u in units.discover()])
def test_page_contents_list_the_lesson_plan_and_rubrics(sites, chrome, edition, unit):
    with serve(sites[edition]) as base:
        page, _ = open_page(chrome, f"{base}/units/{unit}/{unit}.html")
        contents = _links(page, "#pst-page-toc-nav a")
        for gid in _rubric_ids(units.get(unit)):
            assert f"Rubric for {gid}" in contents, contents
        teacher = {"For the teacher", "Objectives", "Lesson plan", "Grading"}
        if edition == "instructor":
            assert teacher <= set(contents), contents
        else:
            assert not teacher & set(contents), contents
        assert not any(DELIMITER_WORDS.search(entry) for entry in contents), contents
        if edition == "instructor":  # the section's own entries unfold once a reader is there
            page.click("#pst-page-toc-nav a:text-is('For the teacher')")
            page.wait_for_selector("#pst-page-toc-nav a:text-is('Lesson plan')", state="visible")


@pytest.mark.parametrize("edition", book.EDITIONS)
def test_sidebar_names_units_by_id_tier_and_title(sites, chrome, edition):
    with serve(sites[edition]) as base:
        page, _ = open_page(chrome, f"{base}/intro.html")
        sidebar = _links(page, "nav.bd-docs-nav a")
        for unit in units.discover():
            assert f"{unit.id} · {unit.meta['tier']} · {unit.meta['title']}" in sidebar, sidebar


@pytest.mark.parametrize("edition", book.EDITIONS)
def test_each_edition_says_which_it_is(sites, chrome, edition):
    other = {"student": "instructor", "instructor": "student"}[edition]
    first_unit = units.discover()[0].id
    with serve(sites[edition]) as base:
        page, _ = open_page(chrome, f"{base}/intro.html")
        title = page.inner_text("article h1")
        assert f"{edition.capitalize()} edition" in title and other not in title.lower()
        assert f"{edition.capitalize()} edition" in page.inner_text("article .admonition")
        for path in ("intro.html", "syllabus.html", f"units/{first_unit}/{first_unit}.html", "search.html"):
            page.goto(f"{base}/{path}", wait_until="networkidle")
            banners = page.locator(".bd-header-announcement")
            if edition == "instructor":
                banner = say("book.banner", lang="en")
                assert banners.inner_text().strip() == banner, path
                assert "do not share" in banner.lower() and banners.is_visible()
            else:
                assert banners.count() == 0, path


def test_a_changed_table_of_contents_makes_sphinx_reread_the_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(book.paths, "book_dir", lambda edition, lang="en": tmp_path / f"book-{edition}")
    saved = tmp_path / "book-student" / "_build" / ".doctrees"
    book.stage("student")
    saved.mkdir(parents=True)
    book.stage("student")
    assert saved.is_dir()  # nothing changed: Sphinx keeps what it read
    toc = tmp_path / "book-student" / "_toc.yml"
    toc.write_text(toc.read_text(encoding="utf-8").replace(" · ", " - "), encoding="utf-8")
    book.stage("student")
    assert not saved.exists()  # renamed entries: every page that lists them is read again
