"""``ailab book``: the Jupyter Book, in a student and an instructor edition.

The book is staged in ``build/book-<edition>/`` from the hand-written pages in
``book/`` and the unit notebooks, with the table of contents, syllabus and
strand tables computed from unit metadata. The student edition shows the
student version of each unit, unexecuted; the instructor edition shows
solutions with executed outputs, the lesson plan and the rubrics. Execution is
cached by Jupyter Book, so editing one unit re-executes only that unit.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

from . import execute, nbgrader_api, paths, syllabus, units
from .errors import BadInput, BuildFailed
from .units import Unit, grade_id

EDITIONS = ("student", "instructor")
MATHJAX_PARTS = ("tex-chtml.js", "output/chtml", "ui", "a11y", "input/tex/extensions")
PAGES = ("intro.md", "how-to-use.md", "logo.svg")
INSTRUCTOR_PAGES = ("authoring.md",)


def _md_cell(text: str, tag: str):
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = [tag]
    cell.id = f"ailab-{tag}"
    return cell


def unit_page(unit: Unit, edition: str):
    """The notebook as this edition shows it (a new object; the source is untouched)."""
    nb = copy.deepcopy(unit.notebook)
    if edition == "student":
        nb = nbgrader_api.student_version(nb)
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "markdown" and units.is_graded(cell) and units.ailab_meta(cell).get("rubric"):
            rubric = _md_cell(
                f"**Rubric for {grade_id(cell)}**\n\n{syllabus.rubric_table(cell)}",
                f"rubric-{grade_id(cell)}",
            )
            cells.append(rubric)
    if edition == "instructor":
        plan = (
            f"```{{admonition}} For the teacher\n:class: tip\n\n**Objectives**\n\n"
            f"{syllabus.objectives_list(unit)}\n\n**Lesson plan**\n\n"
            f"{syllabus.lesson_plan_table(unit)}\n\n**Grading**\n\n"
            f"{syllabus.grading_table(unit)}\n```"
        )
        cells.insert(1, _md_cell(plan, "teacher-notes"))
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
        },
        "launch_buttons": {"notebook_interface": "jupyterlab"},
        "sphinx": {
            "extra_extensions": ["grader.book_ext"],
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
            chapters.append({"file": f"units/{unit.id}/{unit.id}"})
        vocab = units.vocabulary()["strands"]
        parts.append(
            {"caption": vocab[strand], "chapters": [{"file": f"strands/{strand}", "sections": chapters}]}
        )
    _write(
        root / "_toc.yml",
        yaml.safe_dump({"format": "jb-book", "root": "intro", "parts": parts}, sort_keys=False),
    )
    _write(root / "_config.yml", yaml.safe_dump(_config(edition), sort_keys=False))
    shutil.rmtree(root / "_static" / "mathjax", ignore_errors=True)
    _copy_mathjax(root / "_extra" / "mathjax")
    return root


def _write(path: Path, text: str) -> None:
    """Write only when the text changed, so Jupyter Book's caches stay warm."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


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
