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
from . import execute, syllabus, units
from .units import Unit, grade_id

EDITIONS = ("student", "instructor")
MATHJAX_PARTS = ("tex-chtml.js", "output/chtml", "ui", "a11y", "input/tex/extensions")
PAGES = ("how-to-use.md", "logo.svg")  # intro.md is staged by _landing_page
INSTRUCTOR_PAGES = ("authoring.md",)
# nbgrader's delimiter lines (it matches the words anywhere in a line, behind any comment marker).
DELIMITER = re.compile(r"^\W*(?P<edge>BEGIN|END) (?P<kind>SOLUTION|HIDDEN TESTS|MARK SCHEME)\W*$")
EDITION_NAMES = {"student": "Student edition", "instructor": "Instructor edition"}
EDITION_NOTICES = {  # edition -> (admonition class, what the landing page says about it)
    "student": (
        "note",
        "Every unit as students receive it, with the questions for them to answer. Teachers find "
        "the model answers, lesson plans and rubrics in the instructor edition.",
    ),
    "instructor": (
        "danger",
        "This edition contains the model answers, hidden tests, lesson plans and rubrics. Do not "
        "share it with students: give them the student edition or the notebooks from `ailab release`.",
    ),
}
BANNER = "Instructor edition: contains solutions. Do not share with students."
EDITION_CSS = """/* Written by ailab book: the instructor edition's banner in the theme's danger colours. */
.bd-header-announcement:has(.ailab-edition-instructor) {
  background-color: var(--pst-color-danger);
  color: var(--pst-color-danger-text);
}
"""
REGION_LABELS = {  # kind -> (what the instructor edition calls it, admonition class)
    "SOLUTION": ("Model answer", "tip"),
    "HIDDEN TESTS": ("Hidden tests: run when grading, never shown to students", "warning"),
    "MARK SCHEME": ("Mark scheme", "tip"),
}


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


def _boxed(kind: str, lines: list[str]) -> str:
    """A delimited markdown region as a titled box, not as nbgrader's delimiter 'headings'.

    Authors often open a model answer with an italic "*Model answer …*" line;
    it becomes the box's title so the label is not said twice.
    """
    label, css = REGION_LABELS[kind]
    body = "\n".join(lines).strip("\n")
    first, _, rest = body.partition("\n")
    opening = re.fullmatch(r"([*_])(.+)\1", first.strip())
    if opening and opening[2].lower().startswith(label.lower()):
        label, body = opening[2].rstrip("."), rest.strip("\n")
    longest = max((len(run) for run in re.findall(r"^\s*(`{3,})", body, re.M)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{{admonition}} {label}\n:class: {css}\n\n{body}\n{fence}"


def _instructor_source(cell) -> str:
    """What a teacher reads: solutions as plain code or a labelled box, no delimiter lines."""
    regions = _regions(cell.source)
    if cell.cell_type == "code":
        lines = []
        for kind, indent, body in regions:
            if kind and kind != "SOLUTION":
                lines.append(f"{indent}# {REGION_LABELS[kind][0]}")
            lines.extend(body)
        return "\n".join(lines)
    parts = [_boxed(kind, body) if kind else "\n".join(body).strip("\n") for kind, _, body in regions]
    return "\n\n".join(part for part in parts if part)


def _student_source(cell) -> str:
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


def _rubric_cell(cell, level: int):
    """The rubric under a reflection, with a real heading so the page's contents list it."""
    gid = grade_id(cell)
    heading = "#" * min(level, 6)
    return _md_cell(f"{heading} Rubric for {gid}\n\n{syllabus.rubric_table(cell)}", f"rubric-{gid}")


def _teacher_notes(unit: Unit):
    """Objectives, lesson plan and grading as a section of its own, listed in the page's contents."""
    text = (
        "## For the teacher\n\n"
        "This section is in the instructor edition only; students see the unit without it.\n\n"
        f"### Objectives\n\n{syllabus.objectives_list(unit)}\n\n"
        f"### Lesson plan\n\n{syllabus.lesson_plan_table(unit)}\n\n"
        f"### Grading\n\n{syllabus.grading_table(unit)}\n\n"
        f"{syllabus.teacher_notes(unit)}"
    )
    return _md_cell(text, "teacher-notes")


def _first_section(cells) -> int:
    """Where the unit's first ``##`` section starts: the teacher notes go just before it."""
    for index, cell in enumerate(cells):
        if cell.cell_type == "markdown" and _headings(cell.source)[:1] == [2]:
            return index
    return min(1, len(cells))


def unit_page(unit: Unit, edition: str):
    """The notebook as this edition shows it (a new object; the source is untouched)."""
    nb = copy.deepcopy(unit.notebook)
    if edition == "student":
        nb = nbgrader_api.student_version(nb)
    present = _instructor_source if edition == "instructor" else _student_source
    cells, level = [], 1
    for cell in nb.cells:
        if any(DELIMITER.match(line) for line in cell.source.splitlines()):
            cell.source = present(cell)
        cells.append(cell)
        if cell.cell_type == "markdown":
            level = (_headings(cell.source) or [level])[-1]
            if units.is_graded(cell) and units.ailab_meta(cell).get("rubric"):
                cells.append(_rubric_cell(cell, level + 1))
    if edition == "instructor":
        cells.insert(_first_section(cells), _teacher_notes(unit))
    nb.cells = cells
    nb.metadata.pop("widgets", None)
    return nb


def _strand_page(strand: str, strand_units: list[Unit]) -> str:
    intro = (paths.BOOK_PAGES / "strands" / f"{strand}.md").read_text(encoding="utf-8")
    hours = sum(u.meta["class_hours"] for u in strand_units)
    return (
        f"{intro.rstrip()}\n\n## Units\n\n{syllabus.units_table(strand_units)}\n\n"
        f"In all: {len(strand_units)} units, {hours} class periods of 45 minutes.\n"
    )


def _landing_page(edition: str) -> str:
    """intro.md with the edition in its title and a notice saying who the edition is for."""
    text = (paths.BOOK_PAGES / "intro.md").read_text(encoding="utf-8")
    name = EDITION_NAMES[edition]
    css, notice = EDITION_NOTICES[edition]
    box = f"```{{admonition}} {name}\n:class: {css} ailab-edition\n\n{notice}\n```"
    return re.sub(r"^# (.+)$", lambda m: f"# {m[1]} — {name}\n\n{box}", text, count=1, flags=re.M)


def _syllabus_page(all_units: list[Unit]) -> str:
    return (
        "# Syllabus\n\nComputed from the units' own metadata.\n\n## Hours by tier\n\n"
        f"{syllabus.hours_table(all_units)}\n\n## Units\n\n{syllabus.units_table(all_units)}\n\n"
        f"## Objectives\n\n{syllabus.syllabus_table(all_units)}\n"
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


def _banner(edition: str) -> str:
    """The instructor edition's warning on every page: inline HTML, since a URL would be fetched."""
    return f'<p class="ailab-edition-instructor">{BANNER}</p>' if edition == "instructor" else ""


def _config(edition: str) -> dict:
    execute_mode = "cache" if edition == "instructor" else "off"
    return {
        "title": f"AI Literacy Lab ({edition} edition)",
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
            "announcement": _banner(edition),
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
            },
        },
    }


def stage(edition: str) -> Path:
    """Write the book's source folder for one edition; returns it."""
    if edition not in EDITIONS:
        raise BadInput(f"unknown edition {edition!r}", "ailab book", f"use one of {', '.join(EDITIONS)}")
    all_units = units.discover()
    root = paths.book_dir(edition)
    root.mkdir(parents=True, exist_ok=True)
    pages = PAGES + (INSTRUCTOR_PAGES if edition == "instructor" else ())
    for page in pages:
        _write(root / page, (paths.BOOK_PAGES / page).read_text(encoding="utf-8"))
    _write(root / "intro.md", _landing_page(edition))
    _write(root / "_static" / "ailab.css", EDITION_CSS)
    _write(root / "syllabus.md", _syllabus_page(all_units))
    parts = [{"caption": "Start here", "chapters": [{"file": "how-to-use"}, {"file": "syllabus"}]}]
    if edition == "instructor":
        parts[0]["chapters"].append({"file": "authoring"})
    for strand in units.STRAND_ORDER:
        strand_units = [u for u in all_units if u.meta["strand"] == strand]
        if not strand_units:
            continue
        _write(root / "strands" / f"{strand}.md", _strand_page(strand, strand_units))
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
            _write(folder / f"{unit.id}.ipynb", nbformat.writes(unit_page(unit, edition)))
            chapters.append({"file": f"units/{unit.id}/{unit.id}", "title": syllabus.unit_label(unit)})
        vocab = units.vocabulary()["strands"]
        parts.append(
            {"caption": vocab[strand], "chapters": [{"file": f"strands/{strand}", "sections": chapters}]}
        )
    toc = {"format": "jb-book", "root": "intro", "parts": parts}
    if _write(root / "_toc.yml", yaml.safe_dump(toc, sort_keys=False, allow_unicode=True)):
        _forget_read_pages(root)
    _write(root / "_config.yml", yaml.safe_dump(_config(edition), sort_keys=False))
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


def build(edition: str = "student") -> Path:
    """Build one edition with warnings as errors; returns the HTML folder."""
    root = stage(edition)
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
            f"{edition} edition",
            f"see {log} and {root / '_build' / 'html' / 'reports'}",
        )
    site = paths.book_html(edition)
    fresh = site.with_name(site.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(root / "_build" / "html", fresh)
    shutil.rmtree(site, ignore_errors=True)
    fresh.rename(site)
    return site
