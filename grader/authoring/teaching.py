"""Static rules about teaching (book/authoring.md, section 4).

They catch what reviewers found in real lessons: questions that only test
copying, prose numbers nobody re-ran, discussion prompts with no answer for
the teacher, and answer cells without the near misses that prove the public
checks honest. What needs a run (quote values, near-miss verdicts, seeding,
independence) lives in ``validate`` with ``probing`` and ``dataflow``.
"""

from __future__ import annotations

import re

from .units import Unit, ailab_meta, grade_id, is_solution, nbgrader_meta

PROMPT = re.compile(r"\*\*(Think|Talk|Discuss|Predict|想一想|说一说|讨论|预测)\b")
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?%|(?<![\w.])\d+\.\d+(?![\w.])")
# Not prose: fenced code, inline code, math, link and image targets, HTML tags, comments.
NOT_PROSE = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$\n]*\$|\]\([^)]*\)|<!--.*?-->|<[^>]*>", re.S)
EXPECTS = ("fail", "pass")


def numbers(text: str) -> list[str]:
    """The percentages and decimal numbers written in prose."""
    return [m.group(0) for m in NUMBER.finditer(NOT_PROSE.sub(" ", text))]


def uncovered(text: str, quotes: list[dict]) -> list[str]:
    """Numbers in ``text`` that no quote's text contains."""
    return [n for n in numbers(text) if not any(n in q["text"] for q in quotes)]


def _metadata_text(meta: dict) -> list[tuple[str, str]]:
    """(where, text) for every piece of prose in the unit's metadata."""
    out = [("summary", meta["summary"])]
    out += [(f"lesson plan period {s['period']} {s['phase']}", s["activity"]) for s in meta["lesson_plan"]]
    out += [("homework", h["activity"]) for h in meta.get("homework") or []]
    notes = meta.get("teacher_notes") or {}
    for key, items in notes.items():
        for item in items:
            for text in item.values() if isinstance(item, dict) else [item]:
                out.append((f"teacher_notes.{key}", text))
    return out


def problems(unit: Unit):
    """(where, what, fix) for each rule the unit breaks."""
    yield from _understanding(unit)
    yield from _near_misses(unit)
    yield from _prompts(unit)
    yield from _numbers(unit)


def _understanding(unit: Unit):
    tests = unit.tests
    total = sum(nbgrader_meta(c).get("points", 0) for c in tests)
    deep = sum(nbgrader_meta(c).get("points", 0) for c in tests if ailab_meta(c).get("understanding"))
    if total and deep * 2 < total:
        yield (
            "notebook",
            f"only {deep:g} of {total:g} auto-graded points are marked as needing understanding",
            "rework questions so at least half need understanding, and mark them with ailab.understanding",
        )


def _near_misses(unit: Unit):
    questions = {grade_id(c) for c in unit.tests}
    for i, cell in enumerate(unit.notebook.cells):
        if not (cell.cell_type == "code" and is_solution(cell) and grade_id(cell)):
            continue
        where = f"cell {i + 1} ({grade_id(cell)})"
        gid = grade_id(cell)
        if not (gid.endswith("-answer") and gid[: -len("-answer")] in questions):
            yield (
                where,
                "answer cell is not named after its question",
                "name it qN-answer for the test cell qN",
            )
        misses = ailab_meta(cell).get("near_misses")
        if not isinstance(misses, list) or len(misses) < 2:
            yield where, "fewer than 2 near misses", "add ailab.near_misses (book/authoring.md, section 4)"
            continue
        for n, miss in enumerate(misses, 1):
            if not (
                isinstance(miss, dict)
                and isinstance(miss.get("answer"), str)
                and miss.get("expect") in EXPECTS
                and isinstance(miss.get("why"), str)
            ):
                yield where, f"near miss {n} needs answer, expect (fail or pass) and why", "complete it"
        if not any(isinstance(m, dict) and m.get("expect") == "fail" for m in misses):
            yield where, "no near miss expects the checks to fail", "add a real mistake with expect 'fail'"


def _prompts(unit: Unit):
    declared: dict[str, int] = {}
    for i, cell in enumerate(unit.notebook.cells):
        if cell.cell_type != "markdown":
            continue
        ids = ailab_meta(cell).get("prompts") or []
        asked = sum(1 for line in cell.source.splitlines() if PROMPT.search(line))
        if asked and not ids:
            yield f"cell {i + 1}", "has a discussion prompt without an id", 'add ailab.prompts, e.g. ["hook"]'
        elif asked != len(ids):
            yield (
                f"cell {i + 1}",
                f"asks {asked} discussion prompts on separate lines but names {len(ids)} ids",
                "give one id per prompt line, in order",
            )
        for pid in ids:
            if pid in declared:
                yield (
                    f"cell {i + 1}",
                    f"prompt id {pid!r} also used by cell {declared[pid] + 1}",
                    "make it unique",
                )
            declared[pid] = i
    answers = [p["id"] for p in (unit.meta.get("teacher_notes") or {}).get("prompts", [])]
    for pid in sorted(set(declared) - set(answers)):
        yield f"cell {declared[pid] + 1}", f"prompt {pid!r} has no answer", "add it to teacher_notes.prompts"
    for pid in sorted(set(answers) - set(declared)):
        yield "teacher_notes", f"answers prompt {pid!r}, which no cell declares", "fix the id or remove it"
    for pid in sorted({p for p in answers if answers.count(p) > 1}):
        yield "teacher_notes", f"prompt {pid!r} is answered twice", "keep one answer"


def _numbers(unit: Unit):
    for i, cell in enumerate(unit.notebook.cells):
        if cell.cell_type != "markdown":
            continue
        quotes = ailab_meta(cell).get("quotes") or []
        where = f"cell {i + 1}" + (f" ({grade_id(cell)})" if grade_id(cell) else "")
        yield from _quote_shape(where, quotes)
        rubric = " ".join(level.get("descriptor", "") for level in ailab_meta(cell).get("rubric") or [])
        for text in (cell.source, rubric):
            for number in uncovered(text, quotes):
                yield where, f"quotes {number!r} with no source", "add it to ailab.quotes with expr or fixed"
        for q in quotes:
            if isinstance(q, dict) and q.get("text") and q["text"] not in cell.source + rubric:
                yield where, f"quote {q['text']!r} is not in the cell's text", "update or remove the quote"
    quotes = unit.meta.get("quotes") or []
    texts = _metadata_text(unit.meta)
    for where, text in texts:
        for number in uncovered(text, quotes):
            yield f"metadata {where}", f"quotes {number!r} with no source", "add it to the unit's quotes"
    for q in quotes:
        if not any(q["text"] in text for _, text in texts):
            yield (
                "metadata quotes",
                f"quote {q['text']!r} is not in the metadata's text",
                "update or remove it",
            )


def _quote_shape(where: str, quotes):
    for q in quotes if isinstance(quotes, list) else [None]:
        if not (
            isinstance(q, dict)
            and isinstance(q.get("text"), str)
            and (isinstance(q.get("expr"), str) != isinstance(q.get("fixed"), str))
        ):
            yield where, f"quote {q!r} needs text and exactly one of expr or fixed", "fix ailab.quotes"
