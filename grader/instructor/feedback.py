"""``ailab feedback`` and ``ailab export``: what students and the school office receive."""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

import nbformat

from .. import nbgrader_api
from ..course import open_course, require_unit
from ..errors import BadInput
from ..grading import unit_files
from ..i18n import LANGUAGES
from ..messages import say
from . import feedback_style


def feedback(
    unit: str, course_dir: Path | None = None, allow_ungraded: bool = False, lang: str | None = None
) -> list[Path]:
    """One HTML page per graded student, via nbgrader's feedback template, hidden tests removed.

    Each page is in the language the student worked in, unless ``lang`` says
    which language every page's own words should be in.

    A page published before a teacher graded the reflection would show it as
    0 points; that is refused unless ``allow_ungraded``, and then the page
    says which answers still await a hand grade.
    """
    course = open_course(course_dir)
    require_unit(course, unit)
    graded = sorted((course.root / "autograded").glob(f"*/{unit}/{unit}.ipynb"))
    if not graded:
        fix = say("feedback.nothing_fix", unit=unit)
        raise BadInput(say("feedback.nothing", unit=unit), str(course.root), fix)
    truth = nbgrader_api.hand_grading(course, unit)
    students = [path.parent.parent.name for path in graded]
    awaiting = {s: truth[s][1] for s in students if s in truth and truth[s][1]}
    if awaiting and not allow_ungraded:
        listed = ", ".join(f"{s} ({', '.join(cells)})" for s, cells in sorted(awaiting.items())[:5])
        more = len(awaiting) - 5
        raise BadInput(
            say("feedback.awaiting", n=len(awaiting), students=listed + (f" +{more}" if more > 0 else "")),
            str(course.root),
            say("feedback.awaiting_fix"),
        )
    written, lang_wanted = [], lang
    for student, path in zip(students, graded, strict=True):
        nb = nbformat.read(path, as_version=4)
        lang = lang_wanted or submission_language(nb)
        html = feedback_style.in_language(nbgrader_api.feedback_html(course, unit, student, nb), lang)
        if student in awaiting:
            html = _mark_awaiting(html, awaiting[student], lang)
        target = course.feedback(unit, student) / f"{unit}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        unit_files.copy_beside(course, unit, target.parent)
        tmp = target.with_suffix(".html.tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(target)
        written.append(target)
    if awaiting:
        print(say("feedback.published_awaiting", n=len(awaiting)), file=sys.stderr)
    return written


def submission_language(nb) -> str:
    """The language a student worked in, as their notebook says (English if it says nothing usable)."""
    meta = nb.get("metadata", {}).get("ailab", {})
    lang = meta.get("lang") if isinstance(meta, dict) else None
    return lang if lang in LANGUAGES else "en"


def _mark_awaiting(html: str, cells: list[str], lang: str = "en") -> str:
    """A notice at the top of the page: these answers are not graded yet, so the total is not final."""
    notice = (
        '<div class="ailab-awaiting" role="note" style="margin:1em auto;max-width:60em;padding:.8em 1em;'
        'border:2px solid #b8860b;background:#fff8e1;font-size:1.1em">'
        f"{escape(say('feedback.page_awaiting', lang=lang, cells=', '.join(cells)))}</div>"
    )
    head, sep, rest = html.partition("<body>")
    return head + sep + notice + rest if sep else notice + html


def export(course_dir: Path | None = None, to: Path = Path("grades.csv")) -> Path:
    """Every grade in the gradebook, in nbgrader's CSV format."""
    course = open_course(course_dir)
    target = to if to.is_absolute() else course.root / to
    if target.exists() and target.is_dir():
        raise BadInput(say("export.folder"), str(target), say("export.folder_fix"))
    tmp = target.with_suffix(".csv.tmp")
    nbgrader_api.export_csv(course, tmp)
    tmp.replace(target)
    return target
