"""Extra CSS for feedback pages and formgrader, added after nbgrader's own styles.

nbgrader's feedback template carries Bootstrap but none of the notebook's
table styles, so the ethical-matrix table ran together without borders, and
long check messages ran off the right edge of their box.
"""

import re

from ..messages import say

CSS = """
/* ailab: tables students fill in (e.g. the ethical matrix) */
.rendered_html table {
  display: block;
  max-width: 100%;
  overflow-x: auto;
  border-collapse: collapse;
  margin: 0.8em 0;
}
.rendered_html th,
.rendered_html td {
  border: 1px solid #b0b0b0;
  padding: 0.4em 0.7em;
  min-width: 6em;
  vertical-align: top;
  text-align: left;
}
.rendered_html th:first-child,
.rendered_html td:first-child {
  min-width: 8em;
}
.rendered_html thead th {
  background: #eef1f5;
}
.rendered_html tbody tr:nth-child(even) {
  background: #f8f9fb;
}
/* ailab: long lines in outputs (check messages, tracebacks) wrap instead of being cut off */
div.output_subarea pre,
div.output_area pre {
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
.rendered_html img {
  max-width: 100%;
  height: auto;
}
"""


def add_to(html: str) -> str:
    """The page with this CSS last in its head, so it wins over Bootstrap's and nbgrader's rules."""
    head, sep, rest = html.partition("</head>")
    return f"{head}<style>{CSS}</style>\n{sep}{rest}" if sep else html


# Formgrader's page takes no extra stylesheet, so its tables get the same look inline.
CELL = "border:1px solid #b0b0b0;padding:.4em .7em;vertical-align:top;text-align:left;min-width:6em"
INLINE = {"table": "border-collapse:collapse;margin:.8em 0", "th": CELL + ";background:#eef1f5", "td": CELL}
TAG = re.compile(r"<(table|th|td)(\s[^>]*?)?(\s*/?)>")


def inline_table_styles(html: str) -> str:
    """Rendered markdown with bordered, padded tables, whatever CSS the page has (formgrader has none)."""

    def style(match: re.Match) -> str:
        tag, attrs, end = match.group(1), match.group(2) or "", match.group(3)
        own = re.search(r'\sstyle="([^"]*)"', attrs)
        if own:
            attrs = attrs.replace(own.group(0), "")
        css = INLINE[tag] + (f";{own.group(1)}" if own else "")  # the column's own alignment wins
        return f'<{tag}{attrs} style="{css}"{end}>'

    return TAG.sub(style, html)


# The words of nbgrader's feedback template, as (pattern, message key): a Chinese page reads as Chinese.
TEMPLATE_WORDS = (
    (r"\(Score: (-?[\d.]+) / ([\d.]+)\)", "feedback.tpl.score_paren"),
    (r"\(Score: -([\d.]+)\)", "feedback.tpl.penalty_paren"),
    (r"Score: (-?[\d.]+) / ([\d.]+)", "feedback.tpl.score"),
    (r">Test cell<", "feedback.tpl.test_cell"),
    (r">Coding free-response<", "feedback.tpl.coding"),
    (r">Written response<", "feedback.tpl.written"),
    (r">Comment<", "feedback.tpl.comment"),
    (r"Late submission penalty", "feedback.tpl.late"),
    (r"\(Top\)", "feedback.tpl.top"),
    (r"Student's answer", "feedback.tpl.answer"),
    (r"Grade cell: ", "feedback.tpl.grade_cell"),
    (r"<b>Comments:</b>", "feedback.tpl.comments"),
)


def in_language(html: str, lang: str) -> str:
    """nbgrader's feedback page with its own labels said in ``lang`` and the page marked as that language."""
    if lang == "en":
        return html
    for pattern, key in TEMPLATE_WORDS:
        html = re.sub(pattern, lambda m, key=key: say(key, lang=lang, g=m.groups()), html)
    tag = lang.replace("_", "-")
    return html.replace("<html>", f'<html lang="{tag}">', 1)
