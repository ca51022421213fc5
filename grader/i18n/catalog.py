"""Gettext catalogues for notebooks and pages: extract, refresh, read and check.

Each entry is one piece of English (a paragraph, a comment, a string, a
metadata text) with the cell id (or page name) as its context. Refreshing a
catalogue after the English changed keeps every translation whose English is
unchanged; a piece whose English changed keeps its old translation marked
``fuzzy`` with the old English beside it (as ``msgmerge`` does), so the
translator sees what changed; pieces the English no longer has are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import polib

from ..errors import UnitProblem
from . import segments

NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
HEADER = {
    "Project-Id-Version": "AI Literacy Lab",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
}


@dataclass(frozen=True)
class Piece:
    """One piece of English a catalogue must translate."""

    context: str  # the cell id, "unit" for the notebook's metadata, or a page's name
    msgid: str
    note: str  # what it is, for the translator: "markdown", "code comment", "metadata lesson_plan/0/activity"
    position: int  # its place within the context, to pair a changed piece with its old translation


def _meta_pieces(context: str, meta: dict) -> list[Piece]:
    return [
        Piece(context, text, "metadata " + "/".join(map(str, path)), 1000 + n)
        for n, (path, text) in enumerate(segments.meta_texts(meta))
    ]


def markdown_pieces(context: str, text: str, note: str = "markdown") -> list[Piece]:
    parts = [t for t, translatable in segments.paragraphs(text) if translatable]
    return [Piece(context, t, note, n) for n, t in enumerate(parts)]


def notebook_pieces(nb) -> list[Piece]:
    """Every piece of English in a unit notebook, cells first, then the unit's metadata."""
    frozen = segments.frozen_values([c.source for c in nb.cells if c.cell_type == "code"])
    pieces: list[Piece] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            pieces += markdown_pieces(cell.id, cell.source)
        elif cell.cell_type == "code":
            found = segments.code_pieces(cell.source, frozen)
            pieces += [Piece(cell.id, p.text, f"code {p.kind}", n) for n, p in enumerate(found)]
        pieces += _meta_pieces(cell.id, cell.metadata.get("ailab", {}))
    pieces += _meta_pieces("unit", nb.metadata.get("ailab", {}))
    return unique(pieces)


def unique(pieces: list[Piece]) -> list[Piece]:
    """Each (context, English) once: one translation serves every place it appears."""
    found: dict[tuple[str, str], Piece] = {}
    for piece in pieces:
        found.setdefault((piece.context, piece.msgid), piece)
    return list(found.values())


def read(path: Path) -> polib.POFile:
    if not path.is_file():
        po = polib.POFile()
        po.metadata = dict(HEADER)
        return po
    try:
        return polib.pofile(str(path), wrapwidth=0)
    except (OSError, ValueError) as exc:
        raise UnitProblem(
            f"cannot read the catalogue ({exc})", str(path), "fix the .po file or restore it"
        ) from exc


def translations(path: Path) -> dict[tuple[str, str], str]:
    """(context, English) -> translation, for finished entries only (not fuzzy, not empty)."""
    return {
        (e.msgctxt or "", e.msgid): e.msgstr
        for e in read(path)
        if e.msgstr and "fuzzy" not in e.flags and not e.obsolete
    }


@dataclass
class Refresh:
    kept: int = 0
    fuzzy: int = 0
    new: int = 0
    dropped: int = 0


def refresh(path: Path, pieces: list[Piece], lang: str) -> Refresh:
    """Bring a catalogue in step with the English pieces; returns what changed."""
    old = read(path)
    by_key = {(e.msgctxt or "", e.msgid): e for e in old if not e.obsolete}
    by_place = {(e.msgctxt or "", _position(e)): e for e in old if not e.obsolete}
    used: set[int] = set()
    po = polib.POFile(wrapwidth=0)
    po.metadata = {**HEADER, **old.metadata, "Language": lang}
    po.metadata["PO-Revision-Date"] = old.metadata.get("PO-Revision-Date") or _now()
    result = Refresh()
    for piece in pieces:
        entry = polib.POEntry(
            msgctxt=piece.context,
            msgid=piece.msgid,
            comment=piece.note,
            occurrences=[(piece.context, str(piece.position))],
        )
        same = by_key.get((piece.context, piece.msgid))
        before = same or by_place.get((piece.context, piece.position))
        if same is not None:
            entry.msgstr, entry.flags = same.msgstr, list(same.flags)
            entry.previous_msgid, entry.tcomment = same.previous_msgid, same.tcomment
            result.kept += bool(same.msgstr)
            result.new += not same.msgstr
        elif (
            before is not None
            and before.msgstr
            and id(before) not in used
            and before.msgid not in _ids(pieces)
        ):
            entry.msgstr, entry.flags, entry.previous_msgid = before.msgstr, ["fuzzy"], before.msgid
            result.fuzzy += 1
        else:
            result.new += 1
        if before is not None:
            used.add(id(before))
        po.append(entry)
    result.dropped = sum(1 for e in old if not e.obsolete and id(e) not in used)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".po.tmp")
    po.save(str(tmp))
    tmp.replace(path)
    return result


def _ids(pieces: list[Piece]) -> set[str]:
    return {p.msgid for p in pieces}


def _position(entry: polib.POEntry) -> int:
    try:
        return int(entry.occurrences[0][1])
    except (IndexError, ValueError):
        return -1


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M+0000")


@dataclass(frozen=True)
class Problem:
    kind: str  # "missing", "outdated", "leftover", "number"
    context: str
    text: str  # the English, shortened


def problems(path: Path, pieces: list[Piece]) -> list[Problem]:
    """What stops this catalogue from giving a whole, current translation."""
    po = read(path)
    entries = {(e.msgctxt or "", e.msgid): e for e in po if not e.obsolete}
    wanted = {(p.context, p.msgid) for p in pieces}
    found = []
    for piece in pieces:
        entry = entries.get((piece.context, piece.msgid))
        if entry is None:
            changed = any(ctx == piece.context and key not in wanted for ctx, key in entries)
            found.append(Problem("outdated" if changed else "missing", piece.context, piece.msgid))
        elif "fuzzy" in entry.flags:
            found.append(Problem("outdated", piece.context, piece.msgid))
        elif not entry.msgstr:
            found.append(Problem("missing", piece.context, piece.msgid))
        elif not entry.tcomment.startswith("numbers:") and (
            missing := numbers_dropped(entry.msgid, entry.msgstr)
        ):
            found.append(Problem("number", piece.context, f"{', '.join(missing)} in: {piece.msgid}"))
    for key, entry in entries.items():
        if key not in wanted:
            found.append(Problem("leftover", entry.msgctxt or "", entry.msgid))
    for entry in po.obsolete_entries():
        found.append(Problem("leftover", entry.msgctxt or "", entry.msgid))
    return found


def numbers_dropped(english: str, translated: str) -> list[str]:
    """Numbers the English states that the translation does not (1,797 and 1797 are the same)."""

    def numbers(text: str) -> list[str]:
        text = re.sub(
            r"`[^`]*`|\{[^{}]*\}|\]\([^)]*\)", " ", text
        )  # code, f-string fields and links say no number
        return [n.replace(",", "") for n in NUMBER.findall(text)]

    have = numbers(translated)
    dropped = []
    for number in numbers(english):
        if number in have:
            have.remove(number)
        else:
            dropped.append(number)
    return dropped
