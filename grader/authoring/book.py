"""``ailab book``: the Jupyter Book, in a student and an instructor edition.

The book is staged in ``build/book-<edition>/`` from the hand-written pages in
``book/`` and the unit notebooks, with the table of contents, syllabus and
strand tables computed from unit metadata; the navigation names units by id,
tier and title. The student edition shows the student version of each unit,
unexecuted; the instructor edition shows solutions with executed outputs (with
nbgrader's delimiter lines turned into plain code or a "Model answer" box), and
the lesson plan and rubrics under headings of their own, with a warning banner
on every page. Execution is cached by Jupyter Book, so editing one unit
re-executes only that unit.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from .. import nbgrader_api, paths
from ..errors import BadInput, BuildFailed
from ..i18n import LANGUAGES, glossary, sources
from ..i18n import edition as edition_of
from ..messages import say
from . import execute, syllabus, units
from .units import Unit, grade_id

EDITIONS = ("student", "instructor")
MATHJAX_PARTS = ("tex-chtml.js", "output/chtml", "ui", "a11y", "input/tex/extensions")
PAGES = ("how-to-use.md", "logo.svg")  # intro.md is staged by _landing_page
INSTRUCTOR_PAGES = ("authoring.md",)
# nbgrader's delimiter lines (it matches the words anywhere in a line, behind any comment marker).
DELIMITER = re.compile(r"^\W*(?P<edge>BEGIN|END) (?P<kind>SOLUTION|HIDDEN TESTS|MARK SCHEME)\W*$")
REGION_KEYS = {  # kind -> (what the instructor edition calls it, admonition class)
    "SOLUTION": ("book.model_answer", "tip"),
    "HIDDEN TESTS": ("book.hidden_tests", "warning"),
    "MARK SCHEME": ("book.mark_scheme", "tip"),
}
NOTICE_CLASS = {"student": "note", "instructor": "danger"}


EDITION_CSS = """/* Written by ailab book: the instructor edition's banner in the theme's danger colours. */
.bd-header-announcement:has(.ailab-edition-instructor) {
  background-color: var(--pst-color-danger);
  color: var(--pst-color-danger-text);
}
"""
def _md_cell(text: str, tag: str):
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = [tag]
    cell.id = f"ailab-{tag}"
    return cell


def _regions(source: str) -> list[tuple[str | None, str, list[str]]]:
    """Split a cell at nbgrader's delimiter lines: (kind or None, delimiter indent, lines)."""
    regions: list[tuple[str | None, str, list[str]]] = [(None, "", [])]
    for line in source.splitlines():
        match = DELIMITER.match(line)
        if not match:
            regions[-1][2].append(line)
        elif match["edge"] == "BEGIN":
            regions.append((match["kind"], line[: len(line) - len(line.lstrip())], []))
        else:
            regions.append((None, "", []))
    return regions


def _boxed(kind: str, lines: list[str], lang: str) -> str:
    """A delimited markdown region as a titled box, not as nbgrader's delimiter 'headings'.

    Authors often open a model answer with an italic "*Model answer …*" line;
    it becomes the box's title so the label is not said twice.
    """
    key, css = REGION_KEYS[kind]
    label = say(key, lang=lang)
    body = "\n".join(lines).strip("\n")
    first, _, rest = body.partition("\n")
    opening = re.fullmatch(r"([*_])(.+)\1", first.strip())
    if opening and opening[2].lower().startswith(label.lower()):
        label, body = opening[2].rstrip("."), rest.strip("\n")
    longest = max((len(run) for run in re.findall(r"^\s*(`{3,})", body, re.M)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{{admonition}} {label}\n:class: {css}\n\n{body}\n{fence}"


def _instructor_source(cell, lang: str) -> str:
    """What a teacher reads: solutions as plain code or a labelled box, no delimiter lines."""
    regions = _regions(cell.source)
    if cell.cell_type == "code":
        lines = []
        for kind, indent, body in regions:
            if kind and kind != "SOLUTION":
                lines.append(f"{indent}# {say(REGION_KEYS[kind][0], lang=lang)}")
            lines.extend(body)
        return "\n".join(lines)
    parts = [_boxed(kind, body, lang) if kind else "\n".join(body).strip("\n") for kind, _, body in regions]
    return "\n\n".join(part for part in parts if part)


def _student_source(cell, lang: str) -> str:
    """Whatever nbgrader's student version left delimited (a mark scheme) is never shown."""
    return "\n".join(line for kind, _, body in _regions(cell.source) if not kind for line in body)


def _headings(source: str) -> list[int]:
    """Levels of the markdown headings in a cell, ignoring ``#`` lines inside code fences."""
    levels, fence = [], None
    for line in source.splitlines():
        marker = re.match(r"\s*(`{3,}|~{3,})", line)
        if marker and (fence is None or marker[1].startswith(fence)):
            fence = marker[1] if fence is None else None
        elif fence is None and (heading := re.match(r"(#{1,6})\s", line)):
            levels.append(len(heading[1]))
    return levels


def _rubric_cell(cell, level: int, lang: str):
    """The rubric under a reflection, with a real heading so the page's contents list it."""
    gid = grade_id(cell)
    heading = "#" * min(level, 6)
    title = say("book.rubric_for", lang=lang, question=gid)
    return _md_cell(f"{heading} {title}\n\n{syllabus.rubric_table(cell, lang)}", f"rubric-{gid}")


def _teacher_notes(unit: Unit, lang: str):
    """Objectives, lesson plan and grading as a section of its own, listed in the page's contents."""

    def t(key: str) -> str:
        return say(f"book.{key}", lang=lang)

    text = (
        f"## {t('for_teacher')}\n\n{t('for_teacher_note')}\n\n"
        f"### {t('objectives')}\n\n{syllabus.objectives_list(unit)}\n\n"
        f"### {t('lesson_plan')}\n\n{syllabus.lesson_plan_table(unit, lang)}\n\n"
        f"### {t('grading')}\n\n{syllabus.grading_table(unit, lang)}\n\n"
        f"{syllabus.teacher_notes(unit, lang)}"
    )
    return _md_cell(text, "teacher-notes")


def _first_section(cells) -> int:
    """Where the unit's first ``##`` section starts: the teacher notes go just before it."""
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown" and _headings(cell.source)[:1] == [2]:
            return index
    return min(1, len(cells))


def unit_page(unit: Unit, edition: str, lang: str = "en"):
    """The notebook as this edition shows it (a new object; the source is untouched)."""
    nb = copy.deepcopy(unit.notebook)
    if edition == "student":
        nb = edition_of.translate_stubs(nbgrader_api.student_version(nb), lang)
    present = _instructor_source if edition == "instructor" else _student_source
    cells, level = [], 1
    for cell in nb.cells:
        if any(DELIMITER.match(line) for line in cell.source.splitlines()):
            cell.source = present(cell, lang)
        cells.append(cell)
        if cell.cell_type == "markdown":
            level = (_headings(cell.source) or [level])[-1]
            if units.is_graded(cell) and units.ailab_meta(cell).get("rubric"):
                cells.append(_rubric_cell(cell, level + 1, lang))
    if edition == "instructor":
        cells.insert(_first_section(cells), _teacher_notes(unit, lang))
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    return nb


def _strand_page(strand: str, strand_units: list[Unit], lang: str) -> str:
    intro = sources.translated_page(f"strands/{strand}.md", lang)
    hours = sum(u.meta["class_hours"] for u in strand_units)
    return (
        f"{intro.rstrip()}\n\n## {say('book.units', lang=lang)}\n\n{syllabus.units_table(strand_units, lang)}"
        f"\n\n{say('book.in_all', lang=lang, n=len(strand_units), hours=hours)}\n"
    )


def _landing_page(edition: str, lang: str) -> str:
    """intro.md with the edition in its title and a notice saying who the edition is for."""
    text = sources.translated_page("intro.md", lang)
    name = say(f"book.edition.{edition}", lang=lang)
    css, notice = NOTICE_CLASS[edition], say(f"book.notice.{edition}", lang=lang)
    box = f"```{{admonition}} {name}\n:class: {css} ailab-edition\n\n{notice}\n```"
    return re.sub(r"^# (.+)$", lambda m: f"# {m[1]} — {name}\n\n{box}", text, count=1, flags=re.M)


def _syllabus_page(all_units: list[Unit], lang: str) -> str:
    def t(key: str) -> str:
        return say(f"book.{key}", lang=lang)

    stages = say("book.hours_by_stage_intro", lang=lang, hours=syllabus.city_minimum())
    return (
        f"# {t('syllabus')}\n\n{t('syllabus_intro')}\n\n## {t('hours_by_tier')}\n\n"
        f"{syllabus.hours_table(all_units, lang)}\n\n"
        f"## {t('hours_by_stage')}\n\n{stages}\n\n"
        f"{syllabus.stage_hours_table(all_units, lang)}\n\n"
        f"## {t('units')}\n\n{syllabus.units_table(all_units, lang)}\n\n"
        f"## {t('objectives')}\n\n{syllabus.syllabus_table(all_units, lang)}\n"
    )


def _copy_mathjax(target: Path) -> None:
    """MathJax from a Python package, so formulas render in an offline classroom."""
    import mathjax

    source = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    for part in MATHJAX_PARTS:
        src, dst = source / part, target / part
        if dst.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(src, dst) if src.is_dir() else shutil.copy2(src, dst)


def _banner(edition: str, lang: str) -> str:
    """The instructor edition's warning on every page: inline HTML, since a URL would be fetched."""
    banner = say("book.banner", lang=lang)
    return f'<p class="ailab-edition-instructor">{banner}</p>' if edition == "instructor" else ""


def _config(edition: str, lang: str, root: Path) -> dict:
    execute_mode = "cache" if edition == "instructor" else "off"
    other = next(o for o in LANGUAGES if o != lang)
    search = {"dict": str(root / "search-words.txt")} if lang == "zh_CN" else {}
    return {
        "title": say("book.title", lang=lang, edition=say(f"book.edition.{edition}", lang=lang)),
        "author": "AI Literacy Lab",
        "copyright": "2026",
        "only_build_toc_files": True,
        "execute": {
            "execute_notebooks": execute_mode,
            "timeout": 120,
            "allow_errors": False,
            "exclude_patterns": [],
        },
        "logo": "logo.svg",
        "html": {
            "favicon": "logo.svg",
            "use_repository_button": False,
            "use_issues_button": False,
            "use_edit_page_button": False,
            "home_page_in_navbar": True,
            "announcement": _banner(edition, lang),
        },
        "launch_buttons": {"notebook_interface": "jupyterlab"},
        "sphinx": {
            "extra_extensions": ["grader.authoring.book_ext"],
            "config": {
                "html_show_copyright": False,
                "suppress_warnings": ["myst.header"],
                "nb_execution_show_tb": True,
                "html_extra_path": ["_extra"],
                "html_context": {"default_mode": "light"},
                # Widgets show their text fallback: the book must not fetch require.js from a CDN.
                "nb_ipywidgets_js": {},
                "mathjax_path": "../mathjax/tex-chtml.js",
                # Sphinx's Chinese search splits words with jieba, so 混淆矩阵 finds its pages.
                "language": lang,
                "html_search_options": search,
                "ailab_other_language": {
                    "label": say("book.other_language", lang=lang),
                    "site": paths.book_html(edition, other).name,
                    "lang": other.replace("_", "-"),
                },
            },
        },
    }


def stage(edition: str, lang: str = "en") -> Path:
    """Write the book's source folder for one edition in one language; returns it."""
    if edition not in EDITIONS:
        raise BadInput(f"unknown edition {edition!r}", "ailab book", f"use one of {', '.join(EDITIONS)}")
    if lang not in LANGUAGES:
        raise BadInput(f"unknown language {lang!r}", "ailab book", f"use one of {', '.join(LANGUAGES)}")
    all_units = [sources.translated_unit(u, lang) for u in units.discover()]
    root = paths.book_dir(edition, lang)
    root.mkdir(parents=True, exist_ok=True)
    for page in PAGES + (INSTRUCTOR_PAGES if edition == "instructor" else ()):
        text = sources.translated_page(page, lang) if page.endswith(".md") else None
        if text is None:
            shutil.copy2(paths.BOOK_PAGES / page, root / page)
        else:
            _write(root / page, text)
    _write(root / "intro.md", _landing_page(edition, lang))
    _write(root / "_static" / "ailab.css", EDITION_CSS)
    _write(root / "syllabus.md", _syllabus_page(all_units, lang))
    _write(root / "glossary.md", glossary.page(lang))
    if edition == "instructor":  # the teachers' guide from instructors/, in the book's language
        guide = sources.translated_page("README.md", lang, paths.INSTRUCTORS, "instructors")
        _write(root / "for-instructors.md", guide)
    start = [{"file": "how-to-use"}, {"file": "syllabus"}, {"file": "glossary"}]
    parts = [{"caption": say("book.start_here", lang=lang), "chapters": start}]
    if edition == "instructor":
        parts[0]["chapters"] += [{"file": "for-instructors"}, {"file": "authoring"}]
    for strand in units.STRAND_ORDER:
        strand_units = [u for u in all_units if u.meta["strand"] == strand]
        if not strand_units:
            continue
        _write(root / "strands" / f"{strand}.md", _strand_page(strand, strand_units, lang))
        chapters = []
        for unit in strand_units:
            folder = root / "units" / unit.id
            if folder.exists():
                for old in folder.iterdir():
                    if old.is_dir() and old.name == "assets":
                        shutil.rmtree(old)
            folder.mkdir(parents=True, exist_ok=True)
            if (unit.folder / "assets").exists():
                shutil.copytree(unit.folder / "assets", folder / "assets", dirs_exist_ok=True)
            _write(folder / f"{unit.id}.ipynb", nbformat.writes(unit_page(unit, edition, lang)))
            chapters.append({"file": f"units/{unit.id}/{unit.id}", "title": syllabus.unit_label(unit)})
        vocab = units.vocabulary(lang)["strands"]
        parts.append(
            {"caption": vocab[strand], "chapters": [{"file": f"strands/{strand}", "sections": chapters}]}
        )
    toc = {"format": "jb-book", "root": "intro", "parts": parts}
    if _write(root / "_toc.yml", yaml.safe_dump(toc, sort_keys=False, allow_unicode=True)):
        _forget_read_pages(root)
    if _write(root / "search-words.txt", glossary.segmenter_words()):
        _forget_read_pages(root)  # every page's words are split again, so search finds the new terms
    config = yaml.safe_dump(_config(edition, lang, root), sort_keys=False, allow_unicode=True)
    _write(root / "_config.yml", config)
    shutil.rmtree(root / "_static" / "mathjax", ignore_errors=True)
    _copy_mathjax(root / "_extra" / "mathjax")
    return root


def _write(path: Path, text: str) -> bool:
    """Write only when the text changed, so Jupyter Book's caches stay warm; True if it did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def _forget_read_pages(root: Path) -> None:
    """Make Sphinx re-read every page (executed notebooks stay cached).

    When the table of contents changes (a unit renamed, re-tiered or added),
    sphinx-external-toc re-reads the pages whose own entry changed but not the
    pages whose navigation lists them, which would keep showing the old names.
    """
    shutil.rmtree(root / "_build" / ".doctrees", ignore_errors=True)
    (root / "_build" / "html" / "searchindex.js").unlink(missing_ok=True)


def build(edition: str = "student", lang: str = "en") -> Path:
    """Build one edition in one language with warnings as errors; returns the HTML folder."""
    root = stage(edition, lang)
    execute.kernel_env()
    log = root / "build.log"
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(root),
        "--builder",
        "html",
        "-W",
        "-n",
        "--keep-going",
    ]
    env = {**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    with log.open("w", encoding="utf-8") as out:
        code = subprocess.call(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    if code != 0:
        reason = next(
            (ln for ln in log.read_text().splitlines()[::-1] if "WARNING" in ln or "ERROR" in ln),
            f"exit code {code}",
        )
        raise BuildFailed(
            f"Jupyter Book build failed: {reason.strip()[:300]}",
            f"{edition} edition ({lang})",
            f"see {log} and {root / '_build' / 'html' / 'reports'}",
        )
    site = paths.book_html(edition, lang)
    fresh = site.with_name(site.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(root / "_build" / "html", fresh)
    shutil.rmtree(site, ignore_errors=True)
    fresh.rename(site)
    return site
