"""Find the units and read what their source notebooks say about themselves.

A unit's metadata (notebook key ``ailab``) is the single source of truth; this
module loads and schema-checks it, and gives names to the cells that matter.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import jsonschema
import nbformat

from .. import course, paths
from ..checks import checkspec
from ..errors import UnitProblem

STRAND_ORDER = ("image-classifiers", "chatbot-ethics", "data-privacy")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
SOLUTION_LINES = re.compile(r"[ \t]*### BEGIN SOLUTION\n(.*?)[ \t]*### END SOLUTION\n?", re.S)


@cache
def schema() -> dict:
    return json.loads(paths.SCHEMA.read_text(encoding="utf-8"))


@cache
def _vocabulary_file() -> dict:
    return json.loads(paths.VOCABULARY.read_text(encoding="utf-8"))


def vocabulary(lang: str = "en") -> dict:
    """The names of codes (strands, tiers, stage goals, AI4K12, phases) in one language."""
    base = _vocabulary_file()
    names = {k: v for k, v in base.items() if k not in ("zh_CN",)}
    return {**names, **base.get(lang, {})} if lang != "en" else names


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def ailab_meta(cell) -> dict:
    return cell.get("metadata", {}).get("ailab", {})


def grade_id(cell) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


def is_graded(cell) -> bool:
    return bool(nbgrader_meta(cell).get("grade"))


def is_solution(cell) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_hand_graded(cell) -> bool:
    """A graded answer cell (a reflection): nbgrader leaves its score to a teacher."""
    return is_graded(cell) and is_solution(cell)


def is_test(cell) -> bool:
    """An auto-graded test cell: graded code that is not itself an answer."""
    return cell.cell_type == "code" and is_graded(cell) and not is_solution(cell)


def with_answer(source: str, replacement: str | None) -> str:
    """The answer cell's source with its solution block kept (None) or replaced by ``replacement``.

    The replacement is written without indentation and takes the indentation
    of the ``### BEGIN SOLUTION`` line, as a student's answer in that place would.
    """

    def fill(match: re.Match) -> str:
        if replacement is None:
            return match.group(1)
        indent = re.match(r"[ \t]*", match.group(0)).group(0)
        return "".join(f"{indent}{line}\n" for line in textwrap.dedent(replacement).splitlines())

    return SOLUTION_LINES.sub(fill, source)


@dataclass(frozen=True)
class Unit:
    path: Path

    @cached_property
    def notebook(self):
        return nbformat.read(self.path, as_version=4)

    @cached_property
    def meta(self) -> dict:
        return self.notebook.metadata.get("ailab", {})

    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def tests(self) -> list:
        return [c for c in self.notebook.cells if is_test(c)]

    @property
    def reflections(self) -> list:
        return [c for c in self.notebook.cells if c.cell_type == "markdown" and is_graded(c)]

    @property
    def figures(self) -> list[str]:
        """The local images the lesson's markdown shows (the student edition's only pictures), once each."""
        found = IMAGE.findall("\n".join(c.source for c in self.notebook.cells if c.cell_type == "markdown"))
        return list(dict.fromkeys(f for f in found if not f.startswith(("http:", "https:", "data:"))))

    @property
    def max_score(self) -> float:
        return float(sum(nbgrader_meta(c).get("points", 0) for c in self.notebook.cells if is_graded(c)))

    def checks(self, cell) -> list[checkspec.CheckCall]:
        return checkspec.parse(cell.source) or []


def load(path: Path) -> Unit:
    """Read a unit and check its metadata against the schema."""
    where = str(path.relative_to(paths.REPO)) if path.is_relative_to(paths.REPO) else str(path)
    try:
        unit = Unit(path)
        meta = unit.meta
    except (OSError, ValueError) as exc:  # nbformat raises ValueError subclasses on bad JSON
        raise UnitProblem(f"cannot read the notebook ({exc})", where, "fix or restore the file") from exc
    if not meta:
        raise UnitProblem("no 'ailab' metadata", where, "add it as book/authoring.md shows")
    try:
        jsonschema.validate(meta, schema())
    except jsonschema.ValidationError as exc:
        field = "/".join(str(p) for p in exc.absolute_path) or "ailab"
        raise UnitProblem(
            f"metadata {field}: {exc.message}", where, "see grader/authoring/schema/unit-v1.json"
        ) from exc
    if path.stem != meta["id"] or path.parent.name != meta["id"] or path.parent.parent.name != meta["strand"]:
        raise UnitProblem(
            f"file is not at notebooks/{meta['strand']}/{meta['id']}/{meta['id']}.ipynb",
            where,
            "move it, or fix 'id'/'strand' in the metadata",
        )
    return unit


def unit_paths() -> dict[str, Path]:
    """Unit id -> source notebook, from the folder layout alone (nothing is read)."""
    return {p.stem: p for p in sorted(paths.NOTEBOOKS.glob("*/*/*.ipynb")) if p.stem == p.parent.name}


def discover() -> list[Unit]:
    """All units, in strand then tier order."""
    found = [load(p) for p in unit_paths().values()]
    return sorted(found, key=lambda u: (STRAND_ORDER.index(u.meta["strand"]), u.meta["tier"], u.id))


def select(ids: list[str] | None) -> list[Unit]:
    """The named units (all when none are named); unknown ids are bad input.

    Only the named units are read, so one unit's broken metadata does not
    stop work on another.
    """
    if not ids:
        return discover()
    found = unit_paths()
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise course.unknown_unit(unknown[0], sorted(found), str(paths.NOTEBOOKS))
    return [load(found[i]) for i in ids]


def get(unit_id: str) -> Unit:
    return select([unit_id])[0]
