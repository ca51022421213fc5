"""The ``ailab`` command line: a thin layer over plain functions.

Each subcommand names a function and the options it takes; defaults are read
from that function's signature, so each one is defined once.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path

from .errors import AilabError
from .grading.sandbox import Limits
from .messages import say


def _validate(units: list[str], no_execute: bool = False) -> int:
    from .authoring.validate import validate

    problems = validate(units or None, execute_notebooks=not no_execute)
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(say("cli.valid"))
    return 1 if problems else 0


def _translate(names: list[str], lang: str = "zh_CN") -> int:
    from .i18n.translate import refresh

    print("\n".join(refresh(names or None, lang)))
    return 0


def _figures(units: list[str], lang: str = "zh_CN") -> int:
    from .authoring import units as unit_files
    from .i18n import figures, sources

    for unit in unit_files.select(units or None):
        if figures.script(unit.folder).is_file():
            print(figures.draw(unit.folder, sources.Source.of(unit).translator(lang)))
    return 0


def _release(
    course: Path | None = None,
    db_url: str | None = None,
    force: bool = False,
    units: list[str] | None = None,
    lang: str = "en",
) -> int:
    from .authoring.release import release

    release(course, units or None, db_url, force, lang)
    return 0


def _book(edition: str = "student", lang: str = "en") -> int:
    from .authoring.book import EDITIONS, build
    from .i18n import LANGUAGES

    for language in LANGUAGES if lang == "both" else (lang,):
        for ed in EDITIONS if edition == "both" else (edition,):
            print(say("cli.book", edition=f"{ed} ({language})", path=build(ed, language) / "index.html"))
    return 0


def _lab(course: Path | None = None, port: int = 8888, no_browser: bool = False, lang: str = "en") -> int:
    from .deploy.lab import lab

    return lab(course, port, no_browser, lang)


def _student(
    workspace: Path | None = None,
    course: Path | None = None,
    student: str | None = None,
    port: int = 8888,
    no_browser: bool = False,
    lang: str | None = None,
) -> int:
    from .deploy.workspace import student_lab

    return student_lab(workspace, course, student, port, no_browser, lang)


def _handin(unit: str, workspace: Path | None = None) -> int:
    from .deploy.workspace import handin

    print(say("workspace.handed_in", path=handin(unit, workspace)))
    return 0


def _grade(
    unit: str,
    course: Path | None = None,
    workers: int | None = None,
    force: bool = False,
    require_sandbox: bool = False,
    cell_timeout: float = Limits.cell_timeout,
    notebook_timeout: float = Limits.notebook_timeout,
) -> int:
    from .grading.grade import grade, summary_table

    limits = Limits(cell_timeout=cell_timeout, notebook_timeout=notebook_timeout)
    report = grade(unit, course, workers=workers, force=force, require_sandbox=require_sandbox, limits=limits)
    print(summary_table(report))
    return 0


def _collect(unit: str, paths: list[Path], course: Path | None = None) -> int:
    from .instructor.collect import collect, collect_exchange

    result = collect(unit, paths, course) if paths else collect_exchange(unit, course)
    print("\n".join(result.summary()))
    for line in result.problems():
        print(line, file=sys.stderr)
    return 0


def _feedback(
    unit: str, course: Path | None = None, allow_ungraded: bool = False, lang: str | None = None
) -> int:
    from .instructor.feedback import feedback

    written = feedback(unit, course, allow_ungraded, lang)
    print(say("cli.feedback", n=len(written)))
    return 0


def _export(course: Path | None = None, to: Path = Path("grades.csv")) -> int:
    from .instructor.feedback import export

    print(say("cli.exported", path=export(course, to)))
    return 0


def _sample(unit: str, course: Path | None = None, lang: str = "en") -> int:
    from .instructor.sampleclass import write_sample_class

    students = write_sample_class(unit, course, lang)
    print(say("cli.sample", n=len(students), unit=unit, students=", ".join(students)))
    return 0


LANG, LANGS = ("en", "zh_CN"), ("en", "zh_CN", "both")
COMMANDS = {
    "validate": (_validate, "check units against the unit contract", {"units": "*"}),
    "translate": (
        _translate,
        "refresh translation catalogues from the English (units, book, instructors)",
        {"names": "*", "lang": ("zh_CN",)},
    ),
    "figures": (
        _figures,
        "draw the units' static figures in another language",
        {"units": "*", "lang": ("zh_CN",)},
    ),
    "release": (_release, "make student versions and the gradebook (nbgrader)", {"units": "*", "lang": LANG}),
    "book": (_book, "build the Jupyter Book", {"edition": ("student", "instructor", "both"), "lang": LANGS}),
    "lab": (_lab, "start the instructor's JupyterLab on the course folder (with formgrader)", {"lang": LANG}),
    "student": (
        _student,
        "start a student's JupyterLab on their own copies of the released units",
        {"lang": LANG},
    ),
    "handin": (_handin, "pack a student's notebook as a zip to upload (ailab collect accepts it)", {}),
    "grade": (_grade, "grade every submission of a unit", {}),
    "collect": (_collect, "bring zips, folders or notebooks of submissions into the course", {"paths": "*"}),
    "feedback": (_feedback, "write per-student feedback pages, in each student's language", {"lang": LANG}),
    "export": (_export, "export all grades (nbgrader CSV)", {}),
    "sample": (_sample, "write a sample class of submissions for a unit", {"lang": LANG}),
}


HELP = {
    "units": "unit ids (default: every unit)",
    "names": "unit ids, 'book' or 'instructors' (default: all of them)",
    "lang": "language: en (English) or zh_CN (Simplified Chinese)",
    "unit": "unit id, e.g. ic-t1",
    "course": "the course folder (default: the course folder you are in)",
    "db_url": "gradebook as an SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (default: SQLite)",
    "edition": "which edition of the book",
    "workers": "notebooks graded at once (default: CPU cores)",
    "force": "redo work already done (grade: regrade every submission; release: re-release a unit in use)",
    "require_sandbox": "refuse to grade without bubblewrap",
    "cell_timeout": "seconds one cell may run",
    "notebook_timeout": "seconds one notebook may run",
    "paths": "zips (the platform's or students' own), folders, or notebooks named <student>_<anything>.ipynb",
    "to": "CSV file to write (relative to the course folder)",
    "no_execute": "static checks only",
    "port": "port for JupyterLab",
    "no_browser": "do not open a browser",
    "workspace": "the student's folder (default: ~/ailab-work, or $AILAB_WORKSPACE)",
    "student": "the student's id, as the teacher's class list has it (remembered after the first time)",
    "allow_ungraded": "publish even where reflections await hand grading (pages say the total is not final)",
}


def _add_arguments(parser: argparse.ArgumentParser, fn, special: dict) -> None:
    for name, param in inspect.signature(fn).parameters.items():
        flag = "--" + name.replace("_", "-")
        kind = next((t for t in (Path, int, float) if t.__name__ in str(param.annotation)), str)
        if name in special and special[name] == "*":
            parser.add_argument(name, nargs="*", default=[], help=HELP.get(name))
        elif isinstance(special.get(name), tuple):
            parser.add_argument(
                flag, choices=special[name], default=param.default, help=HELP.get(name)
            )
        elif param.default is inspect.Parameter.empty:
            parser.add_argument(name, type=kind, help=HELP.get(name))
        elif param.default is False:
            parser.add_argument(flag, action="store_true", help=HELP.get(name))
        else:
            parser.add_argument(flag, type=kind, default=param.default, help=HELP.get(name))


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="ailab", description="AI Literacy Lab: build and grade the course.")
    sub = top.add_subparsers(dest="command", required=True)
    for name, (fn, help_text, special) in COMMANDS.items():
        _add_arguments(sub.add_parser(name, help=help_text, description=help_text), fn, special)
    return top


def main(argv: list[str] | None = None) -> int:
    args = vars(parser().parse_args(argv))
    fn = COMMANDS[args.pop("command")][0]
    try:
        return fn(**args)
    except AilabError as exc:
        print(f"ailab: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(say("cli.interrupted"), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
