"""Every path the project uses, computed in one place.

Nothing else joins folder names: modules ask this one. ``AILAB_DATASETS``
points the dataset loaders elsewhere (the grading sandbox uses it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parent
NOTEBOOKS = REPO / "notebooks"
BOOK_PAGES = REPO / "book"
INSTRUCTORS = REPO / "instructors"
BUILD = REPO / "build"
DEFAULT_COURSE = REPO / "course"
SCHEMA = PACKAGE / "authoring" / "schema" / "unit-v1.json"
VOCABULARY = PACKAGE / "authoring" / "schema" / "vocabulary.json"


def datasets() -> Path:
    return Path(os.environ.get("AILAB_DATASETS") or REPO / "datasets")


def student_workspace() -> Path:
    """Where ``ailab student`` keeps a student's copies (``AILAB_WORKSPACE`` overrides)."""
    return Path(os.environ.get("AILAB_WORKSPACE") or Path.home() / "ailab-work")


def unit_notebook(strand: str, unit_id: str) -> Path:
    return NOTEBOOKS / strand / unit_id / f"{unit_id}.ipynb"


def _book_name(edition: str, lang: str) -> str:
    return edition if lang == "en" else f"{edition}-{lang}"


def book_dir(edition: str, lang: str = "en") -> Path:
    """Staging folder Jupyter Book builds from (kept between builds for its cache)."""
    return BUILD / f"book-{_book_name(edition, lang)}"


def book_html(edition: str, lang: str = "en") -> Path:
    """The finished site, replaced only after a build succeeds; the languages' sites are siblings."""
    return BUILD / f"site-{_book_name(edition, lang)}"


@dataclass(frozen=True)
class Course:
    """An nbgrader course directory and the folders nbgrader and ``ailab`` use in it."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "nbgrader_config.py"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    def source(self, unit: str) -> Path:
        return self.root / "source" / unit

    def release(self, unit: str) -> Path:
        return self.root / "release" / unit

    def submitted(self, unit: str, student: str = "") -> Path:
        path = self.root / "submitted"
        return path / student / unit if student else path

    def autograded(self, unit: str, student: str) -> Path:
        return self.root / "autograded" / student / unit

    def feedback(self, unit: str, student: str) -> Path:
        return self.root / "feedback" / student / unit

    def reports(self, unit: str) -> Path:
        return self.root / "reports" / unit

    def journal(self, unit: str) -> Path:
        """One line per graded submission, appended and flushed, so a rerun resumes."""
        return self.reports(unit) / "journal.jsonl"

    def grades_csv(self, unit: str) -> Path:
        return self.reports(unit) / "grades.csv"

    def private(self, unit: str) -> Path:
        """Grader-only data (never mounted in the sandbox)."""
        return self.root / ".ailab" / unit

    def edition(self, unit: str, lang: str, part: str) -> Path:
        """A unit's ``source`` or ``release`` folder in one language (English's ``source`` is nbgrader's)."""
        if lang == "en" and part == "source":
            return self.source(unit)
        return self.private(unit) / "editions" / lang / part / unit


def shown(path: Path) -> str:
    """A path as messages show it: relative to the repository when inside it."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def catalog(folder: Path, lang: str) -> Path:
    """The gettext catalogue beside a unit (or the book's pages, or instructors/) for one language."""
    return folder / "locale" / f"{lang}.po"


def localized_asset(folder: Path, relative: str, lang: str) -> str:
    """``assets/x.png`` -> ``assets/<lang>/x.png`` when that picture exists, else the original."""
    candidate = Path(relative)
    if candidate.parts[:1] == ("assets",):
        translated = Path("assets", lang, *candidate.parts[1:])
        if (folder / translated).is_file():
            return translated.as_posix()
    return relative


def edition_notebooks(lang: str) -> Path:
    """Where the translated units are written, in the same strand/unit layout as ``notebooks/``."""
    return BUILD / lang / "notebooks"


GLOSSARY = BOOK_PAGES / "glossary.yml"
