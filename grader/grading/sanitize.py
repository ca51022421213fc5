"""Student content made inert before an instructor's browser shows it.

Formgrader renders autograded notebooks inside the instructor's Jupyter
session, so a script in a student's output or answer could call the Jupyter
API as the instructor; feedback pages open in students' and parents'
browsers. nbconvert's own ``SanitizeHTML`` (bleach, with the allowlist below)
cleans what the student controls when the autograded notebook is written:
no scripts, event handlers, ``javascript:`` links, JavaScript, SVG or widget
outputs; images, tables and plain HTML stay. ``EXPORTER`` makes formgrader
and the feedback pages clean it again when they render, so a notebook graded
some other way is covered too.
"""

from __future__ import annotations

import html
import re

from nbconvert.filters import strip_files_prefix
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors.sanitize import SanitizeHTML
from traitlets import Set, Unicode

from ..instructor import feedback_style

TAGS = [
    *("a", "abbr", "acronym", "b", "blockquote", "br", "cite", "code", "dd", "del", "details", "div"),
    *("dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img"),
    *("ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub"),
    *("summary", "sup", "u", "ul", "var"),
    *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
]
# No ``id`` or ``name``: a student's element must not stand in for one of formgrader's own.
ATTRIBUTES = {
    "*": ["class", "title"],
    "a": ["href", "title"],
    "img": ["src", "alt", "title", "width", "height"],
    "table": ["border"],
    "th": ["colspan", "rowspan", "align", "style"],
    "td": ["colspan", "rowspan", "align", "style"],
    "col": ["span"],
    "colgroup": ["span"],
    "ol": ["start"],
    "details": ["open"],
}
STYLES = ["text-align", "vertical-align", "color", "background-color", "font-weight", "font-style"]
# Outputs kept as they are: nbconvert's safe list (MathJax runs with its Safe extension) and markdown,
# which ``clean_markdown`` has cleaned first. HTML is cleaned; JavaScript, SVG, widgets, PDF... are dropped.
SAFE_OUTPUTS = {"metadata", "text/plain", "text/latex", "application/json", "image/png", "image/jpeg"}
SAFE_OUTPUTS.add("text/markdown")
# An HTML parser starts markup only at "<" followed by one of these: a raw cell without it has no tags.
MARKUP = re.compile(r"<[A-Za-z!/?]")

EXPORTER = {
    "sanitize_html": True,
    # nbgrader's feedback and formgrade templates render markdown as `markdown2html |
    # strip_files_prefix`, never through `clean_html`; this registers a cleaning version there.
    "filters": {
        "clean_html": "grader.grading.sanitize.clean_html",
        "strip_files_prefix": "grader.grading.sanitize.clean_rendered_markdown",
    },
}


class StudentSanitizer(SanitizeHTML):
    """``SanitizeHTML`` that leaves the instructor's text alone and renders markdown before cleaning it.

    Cleaning markdown text with bleach escapes every ``>`` and ``<`` (quotes,
    comparisons in code) and misses markdown links such as
    ``[x](javascript:...)``. So markdown that holds raw HTML or such a link
    becomes its HTML rendering, cleaned; every other answer stays exactly as
    written.
    """

    trusted = Set(Unicode(), help="sources of the instructor's own markdown and raw cells")

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type in ("markdown", "raw") and cell.source in self.trusted:
            return cell, resources
        if cell.cell_type == "markdown":
            cell.source = self.clean_markdown(cell.source, cell.get("attachments"))
            return cell, resources
        if cell.cell_type == "raw" and not MARKUP.search(cell.source):
            return cell, resources
        return super().preprocess_cell(cell, resources, index)

    def sanitize_code_outputs(self, outputs):
        for output in outputs:
            data = output.get("data", {})
            for key, value in data.items():  # nbformat allows text as a list of lines; bleach does not
                if isinstance(value, list) and not key.endswith("json"):
                    data[key] = "".join(str(line) for line in value)
            if "text/markdown" in data:
                data["text/markdown"] = self.clean_markdown(str(data["text/markdown"]))
        return super().sanitize_code_outputs(outputs)

    def clean_markdown(self, source: str, attachments=None) -> str:
        """``source`` if it is ordinary markdown, else its rendering, cleaned, that renders safely again.

        Ordinary means nbconvert shows it the same with raw HTML escaped and
        script links refused. Text bleach escaped can still hold markdown
        links, so the cleaned HTML is checked (and cleaned) again; what cannot
        be settled or rendered is shown as plain text.
        """
        try:
            if _render(source, attachments, True, True) == _render(source, attachments, False, False):
                return source
            text = source
            for _ in range(3):
                text = self.sanitize_html_tags(_render(text, attachments, True, False))
                if _render(text, attachments, True, True) == _render(text, attachments, True, False):
                    return text
        except Exception:  # nbconvert cannot render it either (e.g. a missing attachment)
            pass
        return f"<pre>{html.escape(source)}</pre>"


def _render(source: str, attachments, raw_html: bool, script_links: bool) -> str:
    """nbconvert's markdown rendering (both True), or with raw HTML escaped, ``javascript:`` links refused."""
    renderer = IPythonRenderer(
        escape=not raw_html,
        allow_harmful_protocols=script_links,
        attachments=attachments or {},
        exclude_anchor_links=True,  # kept HTML is shown as it is: no heading anchors ("¶")
    )
    return MarkdownWithMath(renderer=renderer).render(source)


def _policy(**kwargs) -> StudentSanitizer:
    """The sanitiser with this module's allowlist; markdown outputs go through ``clean_markdown``."""
    return StudentSanitizer(
        tags=TAGS,
        attributes=ATTRIBUTES,
        styles=STYLES,
        safe_output_keys=SAFE_OUTPUTS,
        sanitized_output_types={"text/html"},
        **kwargs,
    )


def student_content(nb, instructor_nb):
    """``nb`` with every output and every student-written markdown or raw cell made inert.

    Text identical to a markdown or raw cell of ``instructor_nb`` (the unit's
    source notebook) is the instructor's and is kept as written; nbgrader has
    already restored locked cells to it.
    """
    trusted = {c.source for c in instructor_nb.cells if c.cell_type in ("markdown", "raw")}
    nb, _ = _policy(trusted=trusted).preprocess(nb, {})
    return nb


def clean_html(text) -> str:
    """nbconvert's ``clean_html`` filter with this module's allowlist (theirs drops images and headers)."""
    text = text.decode() if isinstance(text, bytes) else str(text)
    return _policy().sanitize_html_tags(text)


def clean_rendered_markdown(text: str) -> str:
    """nbconvert's ``strip_files_prefix``, then ``clean_html``: for markdown that templates never clean.

    Tables then get inline borders, the only styling formgrader's page takes.
    """
    return feedback_style.inline_table_styles(clean_html(strip_files_prefix(text)))
