"""``ailab collect``: bring students' notebooks into nbgrader's layout, losing none.

Inputs are zips, folders and single notebooks, as platforms, teachers and
students make them: ``<student>/<anything>.ipynb`` or
``<student>_<anything>.ipynb`` (also ``<student>-<unit>...``), the same inside
one wrapper folder, or a zip of each student's own zip
(``2025016_ic-t1.zip`` holding ``ic-t1.ipynb``). A student id is any name that
is safe as a folder name: Chinese names and school numbers included. A notebook
whose name carries no id may carry ``metadata.ailab.student``.

Everything is read and planned before anything is written. A path that points
outside its zip, or two different notebooks that could each be a student's
submission, refuse the whole collection with the reason. Every other file that
is not collected is named with why. A student's earlier, different notebook is
kept in ``.ailab/<unit>/replaced/``; each notebook and nbgrader's
``timestamp.txt`` are written atomically.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import stat
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path, PurePosixPath

from .. import nbgrader_api
from ..course import open_course, require_unit, safe_id
from ..errors import BadInput
from ..messages import say
from ..paths import Course

MAX_MEMBER_MB = 20  # one notebook
MAX_NESTED_ZIP_MB = 100  # one student's own zip inside the platform's zip
NBGRADER_TIME = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's default timestamp_format
UT_EXTRA = 0x5455  # zip "extended timestamp" extra field: a true UTC modification time


@dataclass
class Member:
    """A file inside one input, named as it is there."""

    name: str
    size: int
    read: Callable[[], bytes]
    when: datetime | None = None
    link: bool = False


@dataclass
class Notebook:
    """A candidate submission whose student is known."""

    label: str
    source: str  # the input it came from, for error messages
    student: str
    rest: str  # the file name without the student prefix: tells ic-t1.ipynb from copy.ipynb
    sha256: str
    read: Callable[[], bytes]
    when: datetime | None = None


@dataclass
class Collected:
    student: str
    label: str
    status: str  # "new", "replaced" or "unchanged"
    kept: Path | None = None  # where the earlier, different notebook went


@dataclass
class Result:
    """What ``collect`` did: one entry per student, and every file it did not collect, with why."""

    unit: str
    collected: list[Collected] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def students(self) -> list[str]:
        return [c.student for c in self.collected]

    def summary(self) -> list[str]:
        """The counts, then where each replaced notebook was kept (for stdout)."""
        count = {s: sum(c.status == s for c in self.collected) for s in ("new", "replaced", "unchanged")}
        n = len(self.collected)
        lines = [say("collect.done", n=n, unit=self.unit, **count)]
        lines += [say("collect.replaced", student=c.student, kept=c.kept) for c in self.collected if c.kept]
        return lines

    def problems(self) -> list[str]:
        """One line per skipped file and per warning (for stderr)."""
        return [say("collect.skipped", file=f, why=why) for f, why in self.skipped] + self.warnings


@dataclass
class _Work:
    """State of one collection while its inputs are read."""

    unit: str
    result: Result
    stack: contextlib.ExitStack
    notebooks: list[Notebook] = field(default_factory=list)

    def skip(self, label: str, why: str) -> None:
        self.result.skipped.append((label, why))


def collect(unit: str, inputs: Path | str | Iterable[Path | str], course_dir: Path | None = None) -> Result:
    """Place each student's notebook at ``submitted/<student>/<unit>/<unit>.ipynb``."""
    course = open_course(course_dir)
    require_unit(course, unit)
    paths = [Path(inputs)] if isinstance(inputs, (str, Path)) else [Path(p) for p in inputs]
    if not paths:
        raise BadInput(say("collect.no_inputs"), "ailab collect", say("collect.no_inputs_fix"))
    result = Result(unit)
    with contextlib.ExitStack() as stack:
        work = _Work(unit, result, stack)
        for path in paths:
            _read_input(work, path)
        chosen = _plan(work)
        if not chosen:
            what = say("collect.nothing_skipped", skipped=_first_reasons(result)) if result.skipped else ""
            raise BadInput(what or say("collect.nothing"), str(paths[0]), say("collect.nothing_fix"))
        now = datetime.now(timezone.utc)
        result.collected = [_write(course, unit, nb, now) for nb in chosen]
    return result


def collect_exchange(unit: str, course_dir: Path | None = None) -> Result:
    """Submissions made with Assignment List's Submit, via nbgrader's own collect.

    nbgrader replaces a student's earlier submission with the newest one; the
    earlier notebook is parked first and kept in ``.ailab/<unit>/replaced/``
    when it changed.
    """
    course = open_course(course_dir)
    require_unit(course, unit)
    notebooks = {p.parent.parent.name: p for p in course.submitted(unit).glob(f"*/{unit}/{unit}.ipynb")}
    parked = course.private(unit) / "collect-in-progress"
    for student, path in notebooks.items():
        _atomic_write(parked / f"{student}.ipynb", path.read_bytes())
    students = nbgrader_api.collect_from_exchange(course, unit)
    if not students:
        raise BadInput(say("collect.exchange_empty"), str(course.root), say("collect.exchange_empty_fix"))
    now = datetime.now(timezone.utc)
    result = Result(unit)
    for student in students:
        target = course.submitted(unit, student) / f"{unit}.ipynb"
        old = parked / f"{student}.ipynb"
        label = say("collect.from_exchange", student=student)
        if not old.is_file():
            result.collected.append(Collected(student, label, "new"))
        elif target.is_file() and target.read_bytes() == old.read_bytes():
            result.collected.append(Collected(student, label, "unchanged"))
        else:
            kept = _keep_earlier(course, unit, student, old.read_bytes(), now)
            result.collected.append(Collected(student, label, "replaced", kept))
    shutil.rmtree(parked, ignore_errors=True)
    return result


def _first_reasons(result: Result, limit: int = 3) -> str:
    """The first few skip reasons, so a refusal still says what was in the input."""
    shown = "; ".join(f"{f}: {why}" for f, why in result.skipped[:limit])
    more = len(result.skipped) - limit
    return f"{shown}; {say('collect.and_more', n=more)}" if more > 0 else shown


def _read_input(work: _Work, path: Path) -> None:
    """List one input's files and sort them into candidates and skipped."""
    where = str(path)
    if path.is_dir():
        _scan(work, where, where, _folder_members(path))
    elif not path.is_file():
        raise BadInput(say("collect.no_file"), where, say("collect.no_file_fix"))
    elif path.suffix.lower() == ".ipynb":
        member = Member(path.name, path.stat().st_size, path.read_bytes)
        _scan(work, where, where[: -len(path.name)].rstrip("/\\"), [member])
    elif path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
        try:
            archive = work.stack.enter_context(zipfile.ZipFile(path))
        except zipfile.BadZipFile as exc:
            raise BadInput(say("collect.not_zip"), where, say("collect.not_zip_fix")) from exc
        _scan(work, where, where, _zip_members(archive))
    else:
        raise BadInput(say("collect.not_input"), where, say("collect.not_input_fix"))


def _folder_members(folder: Path) -> list[Member]:
    """Every file under ``folder``; links are listed, never followed."""
    members = []
    for top, dirs, files in os.walk(folder):
        for name in sorted(dirs) + sorted(files):
            path = Path(top) / name
            if name in files or path.is_symlink():
                rel = path.relative_to(folder).as_posix()
                size = path.lstat().st_size
                members.append(Member(rel, size, path.read_bytes, link=path.is_symlink()))
    return members


def _zip_members(archive: zipfile.ZipFile) -> list[Member]:
    """Every file in the zip, with its name decoded the way its maker wrote it."""
    return [
        Member(
            _member_name(info),
            info.file_size,
            partial(archive.read, info),
            _zip_time(info),
            stat.S_ISLNK(info.external_attr >> 16),
        )
        for info in archive.infolist()
        if not info.is_dir()
    ]


def _member_name(info: zipfile.ZipInfo) -> str:
    """Names without zip's UTF-8 flag are UTF-8 (Linux, macOS) or GBK (Chinese Windows), not cp437."""
    name = info.filename
    if not (info.flag_bits & 0x800 or name.isascii()):
        raw = name.encode("cp437")
        for encoding in ("utf-8", "gb18030"):
            with contextlib.suppress(UnicodeDecodeError):
                name = raw.decode(encoding)
                break
    return name.replace("\\", "/")  # Windows tools write backslashes


def _zip_time(info: zipfile.ZipInfo) -> datetime | None:
    """The member's UTC modification time, when the zip records one (zip's own date has no time zone)."""
    extra, at = info.extra, 0
    while at + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + size]
        if tag == UT_EXTRA and len(body) >= 5 and body[0] & 1:
            return datetime.fromtimestamp(struct.unpack_from("<i", body, 1)[0], timezone.utc)
        at += 4 + size
    return None


def _scan(work: _Work, source: str, where: str, members: list[Member], owner: str | None = None,
          nested: bool = False) -> None:
    """Skip what is no submission, strip a wrapper folder, and read whose each notebook is."""
    candidates = []
    for member in members:
        parts = _safe_parts(source, member.name)
        why = _not_a_candidate(parts, member, nested)
        if why:
            work.skip(_label(where, member.name), why)
        else:
            candidates.append((parts, member))
    depth = 0 if owner else _wrapper_depth([p for p, _ in candidates], work.unit)
    for parts, member in candidates:
        _candidate(work, source, _label(where, member.name), parts[depth:], member, owner)


def _label(where: str, name: str) -> str:
    """How the teacher sees a file: the input as typed, then the path inside it."""
    return f"{where}/{name}" if where else name


def _safe_parts(source: str, name: str) -> tuple[str, ...]:
    """The member's path parts; a path that could land outside the course refuses the input."""
    parts = tuple(p for p in name.split("/") if p not in ("", "."))
    if not parts or name.startswith("/") or ".." in parts or re.fullmatch(r"[A-Za-z]:", parts[0]):
        raise BadInput(say("collect.path_trick", member=name), source, say("collect.path_trick_fix"))
    return parts


def _not_a_candidate(parts: tuple[str, ...], member: Member, nested: bool) -> str | None:
    """Why this file is no submission, or None when it may be one (a notebook or a student's zip)."""
    suffix = PurePosixPath(parts[-1]).suffix.lower()
    limit = MAX_NESTED_ZIP_MB if suffix == ".zip" else MAX_MEMBER_MB
    checks = [
        (member.link, "collect.skip.link"),
        ("__MACOSX" in parts, "collect.skip.macos"),
        (".ipynb_checkpoints" in parts, "collect.skip.checkpoint"),
        (any(p.startswith(".") for p in parts), "collect.skip.hidden"),
        (suffix not in (".ipynb", ".zip"), "collect.skip.not_notebook"),
        (suffix == ".zip" and nested, "collect.skip.nested_deep"),
    ]
    for hit, key in checks:
        if hit:
            return say(key)
    if member.size > limit * 2**20:
        return say("collect.skip.too_big", mb=round(member.size / 2**20), limit=limit)
    return None


def _name_id(stem: str, unit: str) -> str | None:
    """The raw id in ``<id>_<anything>`` or ``<id>-<unit>...``; a name starting with the unit has none."""
    low = stem.casefold()
    if low.startswith(unit.casefold()):
        return None
    ends = [at for at in (stem.find("_"), low.find("-" + unit.casefold())) if at > 0]
    return stem[: min(ends)] if ends else None


def _raw_ids(parts: tuple[str, ...], unit: str) -> list[str]:
    """Names that could be the student id, best first: the top folder, then the file name.

    A folder named for the unit (``ic-t1/``, ``ic-t1-submissions/``) names no student.
    """
    top = parts[0] if len(parts) > 1 else ""
    raw = [top] if top and not top.casefold().startswith(unit.casefold()) else []
    named = _name_id(PurePosixPath(parts[-1]).stem, unit)
    return raw + ([named] if named else [])


def _path_id(parts: tuple[str, ...], unit: str) -> str | None:
    return next((s for s in map(safe_id, _raw_ids(parts, unit)) if s), None)


def _wrapper_depth(paths: list[tuple[str, ...]], unit: str) -> int:
    """How many leading folders all candidates share and that name no student.

    A shared folder is a wrapper (``ic-t1-submissions/``) unless removing it
    leaves fewer notebooks with a student id: ``alice/ic-t1.ipynb`` alone is
    Alice's, not a wrapper.
    """
    depth = 0
    while paths and all(len(p) > depth + 1 for p in paths) and len({p[depth] for p in paths}) == 1:
        with_id = sum(1 for p in paths if _path_id(p[depth:], unit))
        if sum(1 for p in paths if _path_id(p[depth + 1 :], unit)) < with_id:
            break
        depth += 1
    return depth


def _candidate(work: _Work, source: str, label: str, parts: tuple[str, ...], member: Member,
               owner: str | None) -> None:
    """Decide whose notebook this is (or open a student's zip); skip it with why if nobody's."""
    stem = PurePosixPath(parts[-1]).stem
    if parts[-1].lower().endswith(".zip"):
        _open_nested(work, source, label, member, _path_id(parts, work.unit))
        return
    data = member.read()
    meta = _ailab_metadata(data)
    named = safe_id(_name_id(stem, work.unit)) if owner else _path_id(parts, work.unit)
    student = owner or named or safe_id(_meta_student(meta))
    if student is None:
        work.skip(label, _why_no_id(parts, work.unit, meta))
        return
    _warn_disagreements(work, label, student, owner and named, meta)
    work.notebooks.append(
        Notebook(label, source, student, _rest(stem, student), hashlib.sha256(data).hexdigest(),
                 member.read, member.when)
    )


def _why_no_id(parts: tuple[str, ...], unit: str, meta: dict) -> str:
    """Name the unusable id when there is one; otherwise say how to name the file."""
    unsafe = (_raw_ids(parts, unit) + [_meta_student(meta)])[0]
    if unsafe:
        return say("collect.skip.bad_student", name=unsafe)
    return say("collect.skip.no_student", unit=unit)


def _warn_disagreements(work: _Work, label: str, student: str, named: str | None, meta: dict) -> None:
    """Say when the name, the enclosing zip or the notebook's own metadata tell different stories."""
    if named and named != student:
        work.result.warnings.append(say("collect.warn_owner", file=label, named=named, student=student))
    claimed = safe_id(_meta_student(meta)) or _meta_student(meta)
    if claimed and claimed != student:
        work.result.warnings.append(say("collect.warn_meta", file=label, meta=claimed, student=student))
    other = meta.get("id")
    if isinstance(other, str) and other != work.unit:
        work.result.warnings.append(say("collect.warn_unit", file=label, other=other, unit=work.unit))


def _ailab_metadata(data: bytes) -> dict:
    """The notebook's ``metadata.ailab`` (what the hand-in tool wrote), or {} for anything unreadable."""
    try:
        meta = json.loads(data)["metadata"]["ailab"]
    except (ValueError, KeyError, TypeError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _meta_student(meta: dict) -> str:
    value = meta.get("student")
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""


def _rest(stem: str, student: str) -> str:
    """The file name after a ``<student>_`` or ``<student>-`` prefix."""
    stem = unicodedata.normalize("NFKC", stem)
    n = len(student)
    if stem.casefold().startswith(student.casefold()) and stem[n : n + 1] in ("_", "-"):
        return stem[n + 1 :]
    return stem


def _open_nested(work: _Work, source: str, label: str, member: Member, owner: str | None) -> None:
    """A student's own zip: its notebooks are that student's (when its name says who)."""
    try:
        inner = work.stack.enter_context(zipfile.ZipFile(io.BytesIO(member.read())))
    except zipfile.BadZipFile:
        work.skip(label, say("collect.skip.bad_zip"))
        return
    _scan(work, source, label, _zip_members(inner), owner=owner, nested=True)


def _plan(work: _Work) -> list[Notebook]:
    """One notebook per student, sorted by student id."""
    by_student: dict[str, list[Notebook]] = {}
    for nb in work.notebooks:
        by_student.setdefault(nb.student, []).append(nb)
    return [_choose(work, student, nbs) for student, nbs in sorted(by_student.items())]


def _choose(work: _Work, student: str, notebooks: list[Notebook]) -> Notebook:
    """Identical copies collapse; ``<unit>.ipynb`` beats notebooks not named for the unit; else refuse."""
    unique: dict[str, Notebook] = {}
    for nb in notebooks:
        if nb.sha256 in unique:
            work.skip(nb.label, say("collect.skip.same", kept=unique[nb.sha256].label))
        else:
            unique[nb.sha256] = nb
    distinct = list(unique.values())
    unit = work.unit.casefold()
    named = [nb for nb in distinct if nb.rest.casefold() == unit]
    others = [nb for nb in distinct if nb not in named]
    if len(distinct) > 1 and (len(named) != 1 or any(unit in nb.rest.casefold() for nb in others)):
        files = ", ".join(nb.label for nb in distinct)
        raise BadInput(
            say("collect.ambiguous", n=len(distinct), student=student, files=files),
            distinct[0].source,
            say("collect.ambiguous_fix", unit=work.unit),
        )
    for nb in others if named else []:
        work.skip(nb.label, say("collect.skip.second", student=student, kept=named[0].label))
    return named[0] if named else distinct[0]


def _write(course: Course, unit: str, nb: Notebook, now: datetime) -> Collected:
    """Write one submission; an earlier, different notebook is kept first, an identical one left alone."""
    folder = course.submitted(unit, nb.student)
    target = folder / f"{unit}.ipynb"
    stamp = folder / "timestamp.txt"
    when = (nb.when or now).strftime(NBGRADER_TIME).encode()
    data = nb.read()
    if target.is_file() and target.read_bytes() == data:
        if not stamp.exists():
            _atomic_write(stamp, when)
        return Collected(nb.student, nb.label, "unchanged")
    kept = _keep_earlier(course, unit, nb.student, target.read_bytes(), now) if target.is_file() else None
    _atomic_write(target, data)
    _atomic_write(stamp, when)
    return Collected(nb.student, nb.label, "replaced" if kept else "new", kept)


def _keep_earlier(course: Course, unit: str, student: str, data: bytes, now: datetime) -> Path:
    """Copy the notebook about to be replaced to ``.ailab/<unit>/replaced/<student>-<UTC time>.ipynb``."""
    folder = course.private(unit) / "replaced"
    base = f"{student}-{now:%Y%m%dT%H%M%SZ}"
    kept = folder / f"{base}.ipynb"
    n = 1
    while kept.exists():
        n += 1
        kept = folder / f"{base}-{n}.ipynb"
    _atomic_write(kept, data)
    return kept


def _atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target, then rename: a kill never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
