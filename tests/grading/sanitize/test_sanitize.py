"""What a student controls is made inert; the instructor's text and ordinary answers stay as written."""

from __future__ import annotations

import base64
import copy
from html.parser import HTMLParser

import nbformat
import pytest
from nbconvert import HTMLExporter
from nbgrader.converters.generate_feedback import GenerateFeedback

from grader import nbgrader_api
from grader.authoring import units
from grader.grading import sanitize
from grader.grading.sanitize import clean_html, clean_rendered_markdown, student_content

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n fake but opaque bytes").decode()
MATRIX = """### Reflection (4 points)

| | Privacy | Fairness |
| :-- | :-- | :-- |
| **Students** | ⚠ My face is data I can never change | Works for everyone? |
| **Parents** | Asked first & told why | A wrong tag > no tag |

> One change: opt-in only, because x < y and `a<b` in code is fine.
"""


def _output(data: dict, kind: str = "display_data"):
    extra = {"execution_count": 1} if kind == "execute_result" else {}
    return nbformat.v4.new_output(kind, data=data, **extra)


def _run(cells, instructor_cells=()):
    nb = nbformat.v4.new_notebook(cells=cells)
    instructor = nbformat.v4.new_notebook(cells=list(instructor_cells))
    return student_content(nb, instructor)


class _Dangers(HTMLParser):
    """Elements and attributes that could run script, found the way a browser parses HTML."""

    TAGS = {"script", "iframe", "svg", "math", "object", "embed", "style", "form", "base", "meta", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            url = "".join((value or "").split()).lower()
            if name.startswith("on") or url.startswith(("javascript:", "vbscript:", "data:text")):
                self.found.append(f"<{tag} {name}={value!r}>")


def _markup_left(html: str) -> list[str]:
    parser = _Dangers()
    parser.feed(html)
    parser.close()
    return parser.found


def test_script_outputs_are_removed_and_html_is_cleaned():
    html = (
        '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
        '<a href="javascript:window.pwned = 3">x</a><iframe src="javascript:1"></iframe>'
        '<table class="harmless"><thead><tr><th>Group</th></tr></thead>'
        "<tbody><tr><td>7</td></tr></tbody></table>"
        "<p><b>bold</b> <img src='cat.png' alt='a cat'></p>"
    )
    cell = nbformat.v4.new_code_cell(
        "x",
        outputs=[
            _output({"text/html": html, "text/plain": "<HTML>"}),
            _output({"application/javascript": "window.pwned = 4", "text/plain": "<Javascript>"}),
            _output({"image/svg+xml": '<svg onload="window.pwned = 5"><script>1</script></svg>'}),
            _output({"application/vnd.jupyter.widget-view+json": {"model_id": "x"}, "text/plain": "w"}),
            _output({"image/png": PNG, "image/jpeg": PNG, "text/plain": "<Figure>"}, "execute_result"),
        ],
    )
    out = _run([cell]).cells[0].outputs
    assert [sorted(o.data) for o in out] == [
        ["text/html", "text/plain"],
        ["text/plain"],
        [],
        ["text/plain"],
        ["image/jpeg", "image/png", "text/plain"],
    ]
    cleaned = out[0].data["text/html"]
    assert _markup_left(cleaned) == []
    assert "&lt;script&gt;" in cleaned  # the instructor still sees what was tried, as text
    assert '<table class="harmless"><thead><tr><th>Group</th></tr></thead>' in cleaned
    assert '<img src="x">' in cleaned and '<img src="cat.png" alt="a cat">' in cleaned
    assert out[4].data["image/png"] == PNG


def test_markdown_answers_with_html_or_script_links_are_rendered_and_cleaned():
    hostile = [
        "Answer <script>window.pwned = 1</script> <img src=x onerror=alert(1)>",
        'See <a href="javascript:alert(1)">my source</a> and <a href=" JaVaScRiPt:alert(1)">this</a>',
        "Just [a link](javascript:alert(1)) in markdown",
        "[ref][r]\n\n[r]: javascript:alert(1)",
        "Autolink <javascript:alert(1)>",
        "<script>[escaped text still holds a link](javascript:alert(1))</script>",
    ]
    cells = [nbformat.v4.new_markdown_cell(text) for text in hostile]
    cells += [nbformat.v4.new_code_cell("x", outputs=[_output({"text/markdown": hostile[2]})])]
    cells += [nbformat.v4.new_raw_cell("<script>window.pwned = 1</script>")]
    out = _run(cells)
    texts = [c.source for c in out.cells if c.cell_type != "code"]
    texts.append(out.cells[-2].outputs[0].data["text/markdown"])
    for text in texts:
        shown = sanitize._render(text, None, True, True)  # what formgrader would show
        assert _markup_left(shown) == [], (text, shown)
    assert "<strong>" not in out.cells[0].source and "Answer" in out.cells[0].source
    assert '<a href="#harmful-link">a link</a>' in out.cells[2].source


def test_outputs_stored_as_lists_of_lines_are_cleaned_too():
    """nbformat allows text as a list of lines; a list must not slip past bleach (or crash grading)."""
    data = {"text/html": ["<img src=x ", "onerror=alert(1)>"], "text/markdown": ["<script>", "1</script>"]}
    data["application/json"] = [1, 2]
    out = _run([nbformat.v4.new_code_cell("x", outputs=[_output(data)])]).cells[0].outputs[0].data
    assert out["text/html"] == '<img src="x">' and _markup_left(out["text/markdown"]) == []
    assert out["application/json"] == [1, 2]


def test_ordinary_answers_and_the_instructors_text_stay_exactly_as_written():
    attachment = {"pasted.png": {"image/png": PNG}}
    answer = nbformat.v4.new_markdown_cell(MATRIX)
    answer.metadata["nbgrader"] = {"grade_id": "r1", "solution": True, "grade": True, "points": 4}
    pasted = nbformat.v4.new_markdown_cell("My drawing: ![me](attachment:pasted.png) [docs](https://scikit-learn.org)")
    pasted.attachments = attachment
    instructor = nbformat.v4.new_markdown_cell("<details><summary>Hint</summary>Use `a<b`.</details>")
    cells = [answer, pasted, copy.deepcopy(instructor)]
    out = _run(copy.deepcopy(cells), [instructor])
    assert [c.source for c in out.cells] == [c.source for c in cells]


def test_every_unit_released_to_students_passes_through_unchanged():
    """Graded as an empty submission, no unit loses a word of its own text."""
    for unit in units.select(None):
        source = unit.notebook
        student = nbgrader_api.student_version(copy.deepcopy(source))
        before = [c.source for c in student.cells]
        assert [c.source for c in student_content(student, source).cells] == before, unit.id


def test_a_cell_claiming_to_be_locked_is_not_trusted_for_it():
    """Trust comes from the instructor's text, never from metadata a student can edit."""
    forged = nbformat.v4.new_markdown_cell("<script>window.pwned = 1</script>")
    forged.metadata["nbgrader"] = {"grade_id": "intro", "locked": True, "solution": False, "grade": False}
    assert _markup_left(_run([forged]).cells[0].source) == []


def test_render_time_filters_clean_what_nbgraders_templates_render_raw():
    rendered = '<p><a href="javascript:alert(1)">x</a><img src="files/assets/a.png" alt="A" onerror="1"></p>'
    assert clean_rendered_markdown(rendered) == '<p><a>x</a><img src="assets/a.png" alt="A"></p>'
    assert clean_html(b"<h3>Title</h3><script>1</script>") == "<h3>Title</h3>&lt;script&gt;1&lt;/script&gt;"


@pytest.mark.parametrize("where", ["course config", "feedback"])
def test_formgrader_and_feedback_exporters_sanitize(released, where):
    """Formgrader reads the course's nbgrader_config.py; feedback pages use the same settings.

    nbgrader's templates render markdown without ``clean_html``, so the
    markdown link is the case only the filter override catches.
    """
    if where == "course config":
        exporter_config = nbgrader_api.config(released).HTMLExporter
        settings = {key: exporter_config[key] for key in sanitize.EXPORTER}
    else:
        settings = sanitize.EXPORTER
    assert settings == sanitize.EXPORTER and settings["sanitize_html"] is True
    exporter = HTMLExporter(config=GenerateFeedback().config, **settings)
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("[x](javascript:alert(1)) <img src=x onerror=alert(1)>"),
            nbformat.v4.new_code_cell(
                "x",
                outputs=[
                    _output({"application/javascript": "window.pwned = 1"}),
                    _output({"text/html": "<img src=x onerror=alert(1)><table><tr><th>kept</th></tr>"}),
                ],
            ),
        ]
    )
    grades = {"notebook": "n", "score": 0, "max_score": 1, "late_penalty": 0}
    body, _ = exporter.from_notebook_node(nb, resources={"nbgrader": grades})
    assert "window.pwned" not in body and "onerror" not in body and 'href="javascript:' not in body
    assert "<th>kept</th>" in body
