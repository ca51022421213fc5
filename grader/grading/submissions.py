"""Find a unit's submissions, read them safely, and remember what was graded.

Every way a file can be unusable (missing, empty, too big, not UTF-8, not
JSON, not a notebook, another unit's notebook) becomes a status and a
one-line message for that student, never an exception that stops the batch.
The journal is appended and flushed after each student, so a killed batch
resumes where it stopped.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from ..course import released_units
from ..messages import say
from ..paths import Course

MAX_NOTEBOOK_MB = 20
CSV_FIELDS = (
    "student_id", "unit", "score", "max_score", "status", "hand_grading", "message", "sha256", "seconds"
)


@dataclass
class Row:
    """One student's result: the grades.csv line and the journal entry."""

    student_id: str
    unit: str
    score: float = 0.0
    max_score: float = 0.0
    status: str = "graded"
    message: str = ""
    sha256: str = ""
    seconds: float = 0.0
    hand_grading: str = ""  # what awaits a teacher's grade (from the gradebook, never journaled stale)


@dataclass
class Submission:
    student: str
    folder: Path
    notebook: Path
    sha256: str = ""
    nb: object = None
    problem: tuple[str, str] | None = None  # (status, message) when the file is unusable
    notes: list[str] = field(default_factory=list)


def find(course: Course, unit: str) -> list[Submission]:
    """Every ``submitted/<student>/<unit>/`` folder, sorted by student id."""
    root = course.submitted(unit)
    if not root.is_dir():
        return []
    found = []
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        folder = student_dir / unit
        if folder.is_dir():
            found.append(Submission(student_dir.name, folder, folder / f"{unit}.ipynb"))
    return found


def overlooked(course: Course, unit: str) -> list[tuple[Path, str]]:
    """Notebooks under ``submitted/`` that ``find`` passes over, each with why and what to do.

    A unit folder misnamed by hand (``ict1/``) or a notebook saved under
    another name would otherwise be left ungraded without a word.
    """
    root = course.submitted(unit)
    if not root.is_dir():
        return []
    units = released_units(course)
    found: list[tuple[Path, str]] = []
    for student_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for child in sorted(p for p in student_dir.iterdir() if not p.name.startswith(".")):
            if child.is_dir() and child.name not in units and _notebooks(child, deep=True):
                found.append((child, _not_a_unit(child.name, units)))
            elif child.is_file() and child.suffix == ".ipynb":
                found.append((child, say("submissions.loose", student=student_dir.name)))
        folder = student_dir / unit
        others = _notebooks(folder) if not (folder / f"{unit}.ipynb").is_file() else []
        found += [(nb, say("submissions.misnamed", found=nb.name, unit=unit)) for nb in others]
    return found


def warn_overlooked(course: Course, unit: str) -> list[tuple[Path, str]]:
    """Print ``overlooked`` as warnings on stderr, with paths relative to the course."""
    found = overlooked(course, unit)
    for path, why in found:
        where = path.relative_to(course.root).as_posix()
        print(say("submissions.warning", path=where, why=why), file=sys.stderr)
    return found


def _notebooks(folder: Path, deep: bool = False) -> list[Path]:
    """The notebooks in ``folder`` (or below it), Jupyter's autosave checkpoints left out."""
    if not folder.is_dir():
        return []
    found = folder.rglob("*.ipynb") if deep else folder.glob("*.ipynb")
    return sorted(p for p in found if ".ipynb_checkpoints" not in p.parts and p.is_file())


def _not_a_unit(name: str, units: list[str]) -> str:
    """Say the folder is no released unit, and which one it probably meant."""
    same = [u for u in units if u.casefold() == name.casefold()]
    close = same or difflib.get_close_matches(name, units, n=1)
    if close:
        return say("submissions.not_unit_close", name=name, unit=close[0])
    return say("submissions.not_unit", name=name)


def read(sub: Submission, unit: str, grade_ids: set[str]) -> Submission:
    """Load the notebook, or record why it cannot be graded."""
    if not sub.notebook.is_file():
        others = sorted(p.name for p in sub.folder.glob("*.ipynb"))
        hint = f" (found {', '.join(others)})" if others else ""
        sub.problem = ("missing", f"no {sub.notebook.name} in the submission{hint}")
        return sub
    size = sub.notebook.stat().st_size
    if size > MAX_NOTEBOOK_MB * 1024 * 1024:
        sub.problem = ("invalid", say("grade.too_big", mb=round(size / 2**20), limit=MAX_NOTEBOOK_MB))
        return sub
    data = sub.notebook.read_bytes()
    sub.sha256 = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
        if not text.strip():
            raise ValueError("the file is empty")
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except UnicodeDecodeError:
        sub.problem = ("invalid", say("grade.invalid", why="it is not UTF-8 text"))
        return sub
    except Exception as exc:  # nbformat raises several unrelated types for bad files
        why = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        sub.problem = ("invalid", say("grade.invalid", why=why))
        return sub
    other = nb.metadata.get("ailab", {}).get("id") if isinstance(nb.metadata.get("ailab"), dict) else None
    present = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells}
    if (other and other != unit) or (grade_ids and not grade_ids & present):
        sub.problem = ("wrong-unit", say("grade.wrong_unit", other=other or "unknown"))
        return sub
    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    if kernel != "python3":
        sub.notes.append(say("grade.kernel", name=str(kernel)[:40]))
    sub.nb = nb
    return sub


def load_journal(course: Course, unit: str) -> dict[str, Row]:
    """The latest journal entry per student; a torn last line (from a kill) is ignored."""
    path = course.journal(unit)
    rows: dict[str, Row] = {}
    if not path.exists():
        return rows
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            row = Row(**json.loads(line))
        except (ValueError, TypeError):
            continue
        rows[row.student_id] = row
    return rows


def append_journal(course: Course, unit: str, row: Row) -> None:
    path = course.journal(unit)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(asdict(row)) + "\n")
        f.flush()
        os.fsync(f.fileno())


def write_csv(course: Course, unit: str, rows: list[Row]) -> Path:
    """grades.csv for the current class, replaced in one step."""
    path = course.grades_csv(unit)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: v for k, v in asdict(row).items() if k in CSV_FIELDS})
    tmp.replace(path)
    return path


def write_notebook(path: Path, nb) -> None:
    """Write atomically, so a kill never leaves half a notebook."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(path)
