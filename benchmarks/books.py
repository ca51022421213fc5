"""Build all four books from scratch, then rebuild after editing one unit in both languages.

The edit is what an author does most: one paragraph of a unit's English and
its Chinese translation. Goal: that rebuild of all four books (student and
instructor, English and Chinese) takes at most 60 s. Runs in a scratch copy
of the repository, so nothing here is touched. Usage:
    python benchmarks/books.py
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import polib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.readme_table import update  # noqa: E402
from grader import paths  # noqa: E402
from grader.authoring import syllabus, units  # noqa: E402

GOAL_S = 60
UNIT = "ic-t1"
CELL = "ic-t1-hook"  # a paragraph every edition shows
IGNORE = shutil.ignore_patterns(".venv", "build", "course", ".git", "__pycache__", ".pytest_cache")


def build_all(repo: Path) -> float:
    command = [sys.executable, "-m", "grader", "book", "--edition", "both", "--lang", "both"]
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(repo)}  # the scratch copy's grader, building into its own build/
    subprocess.run(command, cwd=repo, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def edit_one_unit(repo: Path) -> None:
    """Change one English paragraph of the unit and its Chinese translation, as an author would."""
    path = repo / units.get(UNIT).path.relative_to(paths.REPO)
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.id == CELL)
    old = cell.source.split("\n\n")[1]
    cell.source = cell.source.replace(old, old + " (Edited.)")
    nbformat.write(nb, path)
    catalog = path.parent / "locale" / "zh_CN.po"
    po = polib.pofile(str(catalog), wrapwidth=0)
    entry = next(e for e in po if e.msgctxt == CELL and e.msgid == old)
    entry.msgid, entry.msgstr = old + " (Edited.)", entry.msgstr + "（已修改。）"
    po.save(str(catalog))


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ailab-books-") as scratch:
        repo = Path(scratch) / "repo"
        shutil.copytree(paths.REPO, repo, ignore=IGNORE)
        full = build_all(repo)
        unchanged = build_all(repo)
        edit_one_unit(repo)
        edited = build_all(repo)
    result = {"full_s": full, "unchanged_s": unchanged, "one_unit_s": edited, "goal_s": GOAL_S}
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = paths.REPO / "benchmarks" / "results" / f"books-{stamp}.json"
    out.write_text(json.dumps(result, indent=2))
    rows = [
        ["All four books from scratch (instructor editions execute every unit)", f"{full:.0f}", ""],
        ["All four again, nothing changed", f"{unchanged:.0f}", ""],
        [f"All four after editing one paragraph of {UNIT} and its translation", f"{edited:.0f}",
         "yes" if edited <= GOAL_S else "NO"],
    ]
    table = syllabus.table(["Build", "Wall time (s)", f"Within {GOAL_S} s"], rows)
    note = f"\n\n{os.cpu_count()} CPU cores, Python {platform.python_version()}, {stamp[:8]}."
    print(table + note)
    update("books", table + note)
    return 0 if edited <= GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
