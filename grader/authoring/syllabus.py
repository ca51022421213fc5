"""Tables computed from unit metadata: syllabus, hour totals, lesson plans, rubrics.

These are the only places the facts are put into words, so the book, the
README and the instructor pack cannot disagree with the notebooks.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..messages import say
from . import units
from .teaching import PROMPT
from .units import Unit, ailab_meta, grade_id, is_graded, nbgrader_meta

LIST_MARK = re.compile(r"^(>\s?)*([*-]\s+)?")  # a prompt in a quote or a list item is shown as a paragraph


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def table(header: list[str], rows: list[list[object]], lang: str | None = None) -> str:
    """A Markdown table; with ``lang`` the header holds message keys ("table.unit") to say in it."""
    if lang is not None:
        header = [say(f"table.{key}", lang=lang) for key in header]
    return "\n".join([_row(*header), _row(*["---"] * len(header)), *(_row(*r) for r in rows)])


def points_by_objective(unit: Unit) -> dict[str, float]:
    totals: dict[str, float] = defaultdict(float)
    for cell in unit.notebook.cells:
        if is_graded(cell):
            cited = ailab_meta(cell).get("objectives", [])
            for obj in cited:
                totals[obj] += nbgrader_meta(cell).get("points", 0) / len(cited)
    return totals


def _goal(vocab: dict, goal: str, lang: str) -> str:
    """English tables cite a goal by its code; others by its name in the language."""
    return goal if lang == "en" else vocab["stage_goals"].get(goal, goal)


def syllabus_table(all_units: list[Unit], lang: str = "en") -> str:
    vocab = units.vocabulary(lang)
    rows = []
    for u in all_units:
        pts = points_by_objective(u)
        for obj in u.meta["objectives"]:
            rows.append(
                [
                    u.id,
                    u.meta["title"],
                    u.meta["tier"],
                    u.meta["class_hours"],
                    f"{obj['id']}: {obj['text']}",
                    ", ".join(f"{c} {vocab['ai4k12'][c]}" for c in obj["ai4k12"]),
                    ", ".join(_goal(vocab, g, lang) for g in obj["stage_goals"]),
                    f"{pts.get(obj['id'], 0):g}",
                ]
            )
    header = ["unit", "title", "tier", "periods", "objective", "ai4k12", "stage_goals", "points"]
    return table(header, rows, lang)


def hours_by_tier(all_units: list[Unit]) -> dict[str, int]:
    hours = {tier: 0 for tier in units.vocabulary()["tiers"]}
    for u in all_units:
        hours[u.meta["tier"]] += u.meta["class_hours"]
    return hours


def hours_table(all_units: list[Unit], lang: str = "en") -> str:
    """Periods per tier, split by strand: what each tier of the course offers."""
    vocab = units.vocabulary(lang)
    strands = [s for s in units.STRAND_ORDER if any(u.meta["strand"] == s for u in all_units)]
    rows = []
    for tier, total in hours_by_tier(all_units).items():
        mine = [u for u in all_units if u.meta["tier"] == tier]
        per = [sum(u.meta["class_hours"] for u in mine if u.meta["strand"] == s) for s in strands]
        rows.append([tier, vocab["tiers"][tier], *per, total])
    header = [say(f"table.{key}", lang=lang) for key in ("tier", "for")]
    header += [vocab["strands"][s] for s in strands]
    header.append(say("table.all_strands", lang=lang))
    return table(header, rows)


def city_minimum() -> int:
    """Beijing's yearly minimum of AI class hours for a school (vocabulary ``stage_minimum_hours``)."""
    return max(units.vocabulary()["stage_minimum_hours"].values())


def hours_by_stage(all_units: list[Unit]) -> dict[str, int]:
    """Periods a school stage can teach: the units of the tiers it uses (vocabulary ``stage_tiers``)."""
    by_tier = hours_by_tier(all_units)
    stage_tiers = units.vocabulary()["stage_tiers"]
    return {stage: sum(by_tier[t] for t in tiers) for stage, tiers in stage_tiers.items()}


def stage_hours_table(all_units: list[Unit], lang: str = "en") -> str:
    """Whether each school stage reaches the city's yearly minimum with the units as they are."""
    vocab = units.vocabulary(lang)
    strands = [s for s in units.STRAND_ORDER if any(u.meta["strand"] == s for u in all_units)]
    rows = []
    for stage, total in hours_by_stage(all_units).items():
        tiers = vocab["stage_tiers"][stage]
        mine = [u for u in all_units if u.meta["tier"] in tiers]
        per = [sum(u.meta["class_hours"] for u in mine if u.meta["strand"] == s) for s in strands]
        minimum = vocab["stage_minimum_hours"].get(stage)
        reached = "" if minimum is None else (" ✓" if total >= minimum else " ✗")
        rows.append([vocab["stages"][stage], " + ".join(tiers), *per, f"{total}{reached}", minimum or "—"])
    header = [say(f"table.{key}", lang=lang) for key in ("stage", "tiers")]
    header += [vocab["strands"][s] for s in strands]
    header += [say(f"table.{key}", lang=lang) for key in ("all_strands", "city_minimum")]
    return table(header, rows)


def unit_label(unit: Unit) -> str:
    """How navigation names a unit: teachers refer to units by id and tier, students by title."""
    return f"{unit.id} · {unit.meta['tier']} · {unit.meta['title']}"


def units_table(all_units: list[Unit], lang: str = "en") -> str:
    rows = [
        [u.id, u.meta["title"], u.meta["tier"], u.meta["class_hours"], f"{u.max_score:g}", u.meta["summary"]]
        for u in all_units
    ]
    return table(["unit", "title", "tier", "periods", "points", "what_students_do"], rows, lang)


def lesson_plan_table(unit: Unit, lang: str = "en") -> str:
    phases = units.vocabulary(lang)["phase_names"]
    rows = [[s["period"], phases[s["phase"]], s["minutes"], s["activity"]] for s in unit.meta["lesson_plan"]]
    homework = unit.meta.get("homework") or []
    after, work = say("table.after_class", lang=lang), say("table.homework", lang=lang)
    rows += [[after, work, h["minutes"], h["activity"]] for h in homework]
    return table(["period", "phase", "minutes", "activity"], rows, lang)


def rubric_table(cell, lang: str = "en") -> str:
    rows = [[lvl["points"], lvl["level"], lvl["descriptor"]] for lvl in ailab_meta(cell)["rubric"]]
    return table(["points", "level", "descriptor"], rows, lang)


def grading_table(unit: Unit, lang: str = "en") -> str:
    rows = []
    for cell in unit.notebook.cells:
        if is_graded(cell):
            if units.is_test(cell):
                kind = "auto_understanding" if ailab_meta(cell).get("understanding") else "auto"
            else:
                kind = "by_hand"
            rows.append(
                [
                    grade_id(cell),
                    nbgrader_meta(cell)["points"],
                    say(f"table.{kind}", lang=lang),
                    ", ".join(ailab_meta(cell).get("objectives", [])),
                ]
            )
    return table(["grade_id", "points", "graded", "objectives"], rows, lang)


def objectives_list(unit: Unit) -> str:
    return "\n".join(f"- **{o['id']}** {o['text']}" for o in unit.meta["objectives"])


def _ends_paragraph(line: str) -> bool:
    text = line.strip().lstrip("> ")
    return not text or text.startswith(("* ", "- "))


def _prompt_texts(unit: Unit) -> dict[str, str]:
    """prompt id -> the paragraph of the lesson that asks it, so the answer can be read beside it."""
    out = {}
    for cell in unit.notebook.cells:
        ids = ailab_meta(cell).get("prompts") or [] if cell.cell_type == "markdown" else []
        lines = cell.source.splitlines()
        asked = []
        for start, line in enumerate(lines):
            if PROMPT.search(line):
                end = next((i for i in range(start + 1, len(lines)) if _ends_paragraph(lines[i])), len(lines))
                asked.append(" ".join(LIST_MARK.sub("", ln.strip(), count=1) for ln in lines[start:end]))
        for n, pid in enumerate(ids):
            out[pid] = asked[min(n, len(asked) - 1)] if asked else ""
    return out


def teacher_notes(unit: Unit, lang: str = "en") -> str:
    """重点, 难点, answers to the discussion prompts, common errors and plan B, as Markdown sections."""
    notes = unit.meta["teacher_notes"]
    asked = _prompt_texts(unit)

    def heading(key: str) -> str:
        return f"### {say(f'notes.{key}', lang=lang)}\n\n"

    parts = [
        heading("key_points") + "\n".join(f"- {p}" for p in notes["key_points"]),
        heading("difficult_points")
        + "\n".join(f"- **{d['point']}** {d['approach']}" for d in notes["difficult_points"]),
        heading("prompts")
        + "\n\n".join(f"{asked.get(p['id']) or p['id']}\n\n> {p['answer']}" for p in notes["prompts"]),
        heading("common_errors")
        + table(["error", "say"], [[e["error"], e["say"]] for e in notes["common_errors"]], lang),
        heading("plan_b") + "\n".join(f"- {p}" for p in notes["plan_b"]),
    ]
    return "\n\n".join(parts)
