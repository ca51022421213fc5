"""``ailab validate``: does each unit keep the unit contract (book/authoring.md)?

Static checks first (schema, ids, objectives, probes, rubric, lesson plan,
the teaching rules of ``teaching`` and the independence of questions from
``dataflow``), then executions: the solution must pass all its tests within
the time budget, with steady probes and the numbers its prose quotes; every
near miss must get the verdict its author expects from the public and the
hidden checks alike; and the student version must fail every test.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .. import nbgrader_api, paths
from ..checks import compare
from ..i18n import LANGUAGES, SOURCE_LANGUAGE, sources
from ..i18n import checks as translation_checks
from . import dataflow, execute, offline, probing, teaching, units
from .units import Unit, ailab_meta, grade_id, is_graded, is_solution, nbgrader_meta

TIME_BUDGET_S = 60
PARALLEL_RUNS = 2  # kernels at once: the machines this runs on have two cores
MIN_QUESTIONS = 4
SOLUTION_BLOCK = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_BLOCK = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
CHECK_MACHINERY = ("checks/check.py", "checks/compare.py", "checks/encode.py", "datasets.py", "toxicity.py")
# The code that turns a notebook into the cached verdict: a change to it must run the notebooks again.
RESULT_MAKERS = (
    "authoring/validate.py",
    "authoring/execute.py",
    "authoring/probing.py",
    "authoring/units.py",
    "nbgrader_api.py",
    "i18n/edition.py",
    "i18n/segments.py",
    "fonts.py",
)
TRANSLATIONS = tuple(lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE)


@dataclass(frozen=True)
class Problem:
    unit: str
    where: str
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.unit} {self.where}: {self.what}. {self.fix}"


def _cell_name(index: int, cell) -> str:
    return f"cell {index + 1} ({grade_id(cell)})" if grade_id(cell) else f"cell {index + 1}"


def static_problems(unit: Unit, known_units: set[str]) -> list[Problem]:
    meta, nb, vocab = unit.meta, unit.notebook, units.vocabulary()
    out: list[Problem] = []

    def bad(where: str, what: str, fix: str) -> None:
        out.append(Problem(unit.id, where, what, fix))

    declared = {o["id"] for o in meta["objectives"]}
    for obj in meta["objectives"]:
        for code in obj["ai4k12"]:
            if code not in vocab["ai4k12"]:
                bad(
                    f"objective {obj['id']}",
                    f"unknown AI4K12 code {code!r}",
                    "use a code listed in grader/schema/vocabulary.json",
                )
        for goal in obj["stage_goals"]:
            if goal not in vocab["stage_goals"]:
                bad(
                    f"objective {obj['id']}",
                    f"unknown stage goal {goal!r}",
                    f"use one of {sorted(vocab['stage_goals'])}",
                )
    for pre in meta["prerequisites"]:
        if pre not in known_units:
            bad("metadata", f"prerequisite {pre!r} is not a unit", "fix the id or remove it")
    for name in meta["datasets"]:
        if not (paths.datasets() / name / "datacard.md").exists():
            bad("metadata", f"dataset {name!r} has no datasets/{name}/datacard.md", "add the datacard")
    out += _lesson_plan_problems(unit)

    ids: dict[str, int] = {}
    assessed: set[str] = set()
    questions = reflections = 0
    for i, cell in enumerate(nb.cells):
        where = _cell_name(i, cell)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count")):
            bad(where, "has stored outputs", "clear outputs before saving the source notebook")
        gid = grade_id(cell)
        if gid:
            if gid in ids:
                bad(where, f"grade id {gid!r} also used by cell {ids[gid] + 1}", "make grade ids unique")
            ids[gid] = i
        if is_solution(cell) and not is_graded(cell) and cell.cell_type == "code":
            if not SOLUTION_BLOCK.search(cell.source):
                bad(where, "answer cell has no ### BEGIN/END SOLUTION block", "mark the solution")
            if not isinstance(ailab_meta(cell).get("wrong_answer"), str):
                bad(where, "answer cell has no ailab.wrong_answer", "add a typical wrong answer")
        if not is_graded(cell):
            continue
        points = nbgrader_meta(cell).get("points", 0)
        if not points or points <= 0:
            bad(where, "graded cell has no points", "set nbgrader points > 0")
        cited = ailab_meta(cell).get("objectives") or []
        if not cited:
            bad(where, "graded cell cites no objective", 'add ailab.objectives, e.g. ["O1"]')
        for obj in cited:
            if obj not in declared:
                bad(where, f"cites undeclared objective {obj!r}", f"use one of {sorted(declared)}")
        assessed |= set(cited)
        if units.is_test(cell):
            questions += 1
            out += _test_cell_problems(unit, where, cell)
        elif cell.cell_type == "markdown" and is_solution(cell):
            reflections += 1
            rubric = ailab_meta(cell).get("rubric") or []
            top = max((level.get("points", -1) for level in rubric), default=None)
            if len(rubric) < 2 or top != points:
                bad(
                    where,
                    "reflection needs a rubric of ≥ 2 levels whose top equals the points",
                    "add ailab.rubric as book/authoring.md shows",
                )
    for obj in sorted(declared - assessed):
        bad(f"objective {obj}", "is not assessed by any graded cell", "cite it from a graded cell")
    if questions < MIN_QUESTIONS:
        bad("notebook", f"{questions} auto-graded questions", f"write at least {MIN_QUESTIONS}")
    if reflections < 1:
        bad("notebook", "no hand-graded reflection", "add one (markdown, solution + grade)")
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    if "ipywidgets" not in source:
        bad("notebook", "no ipywidgets interactive", "add at least one widget")
    out += _figure_problems(unit)
    out += [Problem(unit.id, where, what, fix) for where, what, fix in teaching.problems(unit)]
    out += [Problem(unit.id, where, what, fix) for where, what, fix in offline.problems(unit)]
    out += _dependency_problems(unit)
    return out


def _dependency_problems(unit: Unit) -> list[Problem]:
    probes = {
        i: (grade_id(c), [p["expr"] for call in unit.checks(c) for p in call.probes if "expr" in p])
        for i, c in enumerate(unit.notebook.cells)
        if units.is_test(c)
    }
    out = []
    for dep in dataflow.dependencies(unit.notebook, probes):
        via = f", through {dep.origin.via!r}" if dep.origin.via else ""
        out.append(
            Problem(
                unit.id,
                f"question {dep.question}",
                f"probe {dep.expr!r} reads {dep.name!r}, which depends on {dep.origin.question}'s answer "
                f"(cell {dep.origin.cell + 1}{via}): one mistake would cost twice",
                "build the input inside the probe, or from the notebook's own reference code",
            )
        )
    return out


def _lesson_plan_problems(unit: Unit) -> list[Problem]:
    plan, hours = unit.meta["lesson_plan"], unit.meta["class_hours"]
    phases = units.vocabulary()["phases"]
    out = []
    for period in range(1, hours + 1):
        minutes = sum(step["minutes"] for step in plan if step["period"] == period)
        if minutes != 45:
            out.append(
                Problem(
                    unit.id,
                    f"lesson plan period {period}",
                    f"adds up to {minutes} minutes",
                    "make every period 45 minutes",
                )
            )
    if any(step["period"] > hours for step in plan):
        out.append(
            Problem(
                unit.id,
                "lesson plan",
                f"has periods beyond class_hours={hours}",
                "raise class_hours or shorten the plan",
            )
        )
    # A later period may open with a short hook of its own (a recap that sets up the day's question).
    openers = {id(next(s for s in plan if s["period"] == p)) for p in {s["period"] for s in plan}}
    arc = [s for s in plan if not (s["phase"] == "hook" and s["period"] > 1 and id(s) in openers)]
    order = [phases.index(step["phase"]) for step in arc]
    if order != sorted(order) or set(order) != set(range(len(phases))):
        out.append(
            Problem(
                unit.id,
                "lesson plan",
                "phases must run hook → explore → build → reflect → self-check",
                "reorder the steps so each phase appears in that order (a later period may open with a hook)",
            )
        )
    return out


def _test_cell_problems(unit: Unit, where: str, cell) -> list[Problem]:
    calls = unit.checks(cell)
    if not calls:
        return [
            Problem(
                unit.id,
                where,
                "test cell is not made only of check(...) calls",
                "write tests as check(...) calls (book/authoring.md)",
            )
        ]
    out = []
    gid = grade_id(cell)
    if {c.question for c in calls} != {gid}:
        out.append(
            Problem(
                unit.id, where, f"check(...) names a question other than {gid!r}", "use the cell's grade id"
            )
        )
    public = [p for c in calls if not c.hidden for p in c.probes]
    hidden = [p for c in calls if c.hidden for p in c.probes]
    if not public or not hidden:
        out.append(
            Problem(
                unit.id,
                where,
                "needs both public and hidden probes",
                "add a check(..., hidden=True) inside ### BEGIN HIDDEN TESTS",
            )
        )
    hidden_block = HIDDEN_BLOCK.search(cell.source)
    if hidden and not (hidden_block and "hidden=True" in hidden_block.group(1)):
        out.append(
            Problem(
                unit.id,
                where,
                "hidden probes outside the hidden-tests block",
                "move check(..., hidden=True) between ### BEGIN/END HIDDEN TESTS",
            )
        )
    for probe in public + hidden:
        for text in compare.spec_problems(probe):
            out.append(
                Problem(
                    unit.id,
                    where,
                    f"probe {probe.get('expr', '?')!r}: {text}",
                    "see the probe table in book/authoring.md",
                )
            )
    exprs_public = {p.get("expr") for p in public}
    if any(p.get("expr") in exprs_public for p in hidden):
        out.append(
            Problem(
                unit.id, where, "a hidden probe repeats a public one", "give hidden probes different inputs"
            )
        )
    return out


def _figure_problems(unit: Unit) -> list[Problem]:
    local = unit.figures
    out = [
        Problem(unit.id, "markdown", f"figure {img!r} does not exist", "add it under assets/")
        for img in local
        if not (unit.folder / img).exists()
    ]
    if not local:
        out.append(
            Problem(
                unit.id,
                "notebook",
                "no static figure in markdown",
                "add one from assets/ (the student edition is not executed)",
            )
        )
    return out


def _fingerprint(unit: Unit) -> str:
    """The cache key: the notebook, what it imports to check itself, and the code that judges it."""
    digest = hashlib.sha256(unit.path.read_bytes())
    for lang in TRANSLATIONS:
        catalog = paths.catalog(unit.folder, lang)
        digest.update(catalog.read_bytes() if catalog.is_file() else b"")
    for name in CHECK_MACHINERY + RESULT_MAKERS:
        digest.update(name.encode())
        digest.update((paths.PACKAGE / name).read_bytes())
    return digest.hexdigest()


def execution_problems(unit: Unit) -> tuple[list[Problem], float]:
    """Run solution and student version; results are cached by content."""
    cache = paths.BUILD / "validate-cache" / f"{unit.id}.json"
    key = _fingerprint(unit)
    if cache.exists():
        saved = json.loads(cache.read_text())
        if saved.get("key") == key:
            return [Problem(**p) for p in saved["problems"]], saved["seconds"]
    solution = probing.run(unit, copy.deepcopy(unit.notebook))
    out = _solution_problems(unit, solution)
    variants = [] if solution.error else _near_miss_variants(unit)
    with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:  # each run is its own kernel process
        released = pool.submit(_release_problems, unit)
        translated = {lang: pool.submit(_translation_run, unit, solution, lang) for lang in TRANSLATIONS}
        runs = pool.map(lambda v: probing.run(unit, v[0], allow_errors=True), variants)
        for k, ((_, tried), run) in enumerate(zip(variants, runs, strict=True), 1):
            out += _near_miss_verdicts(unit, run, tried, k)
        out += released.result()
        for future in translated.values():
            out += future.result()
    if solution.seconds <= TIME_BUDGET_S:  # a run slowed by a busy machine is judged again next time
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(
            json.dumps({"key": key, "seconds": solution.seconds, "problems": [p.__dict__ for p in out]})
        )
    return out, solution.seconds


def _translation_run(unit: Unit, english: probing.ProbeRun, lang: str) -> list[Problem]:
    """The translated solution must run, give every probe the English value, and draw no boxes for text."""
    if english.error or translation_checks.unit_problems(unit, lang):
        return []  # the English run or the catalogue is already reported
    other = sources.translated_unit(unit, lang)
    run = probing.run(other, copy.deepcopy(other.notebook))
    where = f"{lang} edition"
    if run.error:
        what = f"the translated solution fails: {run.error}"
        return [Problem(unit.id, where, what, "fix that cell's strings in the catalogue")]
    out = [
        Problem(unit.id, where, f"a figure draws text as empty boxes ({box})", "install fonts-wqy-microhei")
        for box in dict.fromkeys(run.glyphs_missing)
    ]
    for index, report in english.tests.items():
        values = [p.first for p in report.probes]
        theirs = [p.first for p in run.tests[index].probes] if index in run.tests else None
        if theirs != values:
            what = f"{report.question}'s probes differ from the English run ({theirs} vs {values})"
            fix = "a translated string reached the code: keep it in English"
            out.append(Problem(unit.id, where, what, fix))
    return out


def _solution_problems(unit: Unit, run: probing.ProbeRun) -> list[Problem]:
    out: list[Problem] = []

    def bad(where: str, what: str, fix: str) -> None:
        out.append(Problem(unit.id, where, what, fix))

    if run.error:
        bad("solution", f"does not run cleanly: {run.error}", "fix the solution or its tests")
        return out
    if run.seconds > TIME_BUDGET_S:
        bad("solution", f"takes {run.seconds:.0f} s", f"make it run in ≤ {TIME_BUDGET_S} s on 2 CPU cores")
    for index, report in sorted(run.tests.items()):
        where = _cell_name(index, unit.notebook.cells[index])
        for probe in report.probes:
            expr = probe.spec["expr"]
            if not probe.passes:
                bad(
                    where,
                    f"the solution fails probe {expr!r} ({probe.first[1]!r:.120})",
                    "fix the probe or the solution",
                )
            if not probe.steady:
                bad(
                    where,
                    f"probe {expr!r} gives a different value when evaluated twice",
                    "seed its random draws inside the probe",
                )
    for index, values in sorted(run.quotes.items()):
        cell = unit.notebook.cells[index] if index >= 0 else None
        quotes = probing.quoted(cell) if cell else [q for q in unit.meta.get("quotes") or [] if "expr" in q]
        where = _cell_name(index, cell) if cell else "metadata quotes"
        for quote, (kind, value) in zip(quotes, values, strict=True):
            if kind != "value":
                bad(where, f"quote {quote['text']!r}: {quote['expr']!r} raised {value}", "fix the expression")
            elif value != quote["text"]:
                bad(
                    where,
                    f"says {quote['text']!r} but the run gives {value!r}",
                    "update the text, or the expression if it formats the number differently",
                )
    return out


def _near_miss_variants(unit: Unit) -> list[tuple[object, dict]]:
    """The solution with near misses in place: variant k puts every answer's k-th near miss in.

    Questions are independent (``dataflow``), so one run can try a near miss
    of every question at once; a question whose answer is still the solution
    must keep passing.
    """
    answers = {
        dataflow.answer_question(c): ailab_meta(c).get("near_misses") or []
        for c in unit.notebook.cells
        if dataflow.answer_question(c) and is_solution(c) and c.cell_type == "code"
    }
    variants = []
    for k in range(max((len(m) for m in answers.values()), default=0)):
        nb = copy.deepcopy(unit.notebook)
        tried = {}
        for cell in nb.cells:
            question = dataflow.answer_question(cell)
            misses = answers.get(question) or []
            if k < len(misses) and isinstance(misses[k], dict) and isinstance(misses[k].get("answer"), str):
                cell.source = units.with_answer(cell.source, misses[k]["answer"])
                tried[question] = misses[k]
        variants.append((nb, tried))
    return variants


def _near_miss_verdicts(unit: Unit, run: probing.ProbeRun, tried: dict, k: int) -> list[Problem]:
    out = []
    for index, cell in enumerate(unit.notebook.cells):
        if not units.is_test(cell):
            continue
        where, report, miss = _cell_name(index, cell), run.tests.get(index), tried.get(grade_id(cell))
        if report is None:
            what = f"never ran with near miss {k} in place ({run.error})"
            out.append(
                Problem(unit.id, where, what, "near misses must run: they are answers students hand in")
            )
            continue
        public, hidden = report.verdict(hidden=False), report.verdict(hidden=True)
        if miss is None:
            if not (public and hidden):
                others = ", ".join(f"{q}: {m.get('why')}" for q, m in sorted(tried.items()))
                what = f"fails while its own answer is right, with near misses of other answers in ({others})"
                out.append(Problem(unit.id, where, what, "make its probes use reference objects"))
            continue
        want = miss["expect"] == "pass"
        if public != want or hidden != want:
            what = (
                f"near miss {k} ({miss.get('why')}): expected to {miss['expect']}, "
                f"but public checks {_word(public)}, hidden checks {_word(hidden)}"
            )
            fix = (
                "a public check must never pass what the hidden checks reject: add a public probe for it"
                if public and not hidden
                else "make the checks agree with 'expect', or correct 'expect'"
            )
            out.append(Problem(unit.id, where, what, fix))
    return out


def _word(verdict: bool | None) -> str:
    return {True: "pass", False: "fail", None: "did not run"}[verdict]


def _release_problems(unit: Unit) -> list[Problem]:
    student = nbgrader_api.student_version(copy.deepcopy(unit.notebook))
    released = {ln.strip() for c in student.cells for ln in c.source.splitlines()}
    outside = {
        ln.strip()
        for c in unit.notebook.cells
        for ln in HIDDEN_BLOCK.sub("", SOLUTION_BLOCK.sub("", c.source)).splitlines()
    }
    out = []
    for i, cell in enumerate(unit.notebook.cells):
        for block in SOLUTION_BLOCK.findall(cell.source) + HIDDEN_BLOCK.findall(cell.source):
            leaked = [
                ln.strip()
                for ln in block.splitlines()
                if len(ln.strip()) > 12 and ln.strip() in released and ln.strip() not in outside
            ]
            if leaked:
                out.append(
                    Problem(
                        unit.id,
                        _cell_name(i, cell),
                        f"student version shows {leaked[0]!r}",
                        "keep solutions and hidden tests inside their markers",
                    )
                )
    run = execute.run(student, unit.folder, allow_errors=True)
    for i, cell in enumerate(run.nb.cells):
        if units.is_test(cell) and not any(o.get("output_type") == "error" for o in cell.outputs):
            out.append(
                Problem(
                    unit.id,
                    _cell_name(i, cell),
                    "passes in the student version",
                    "the test must fail until the student answers",
                )
            )
    return out


def validate(unit_ids: list[str] | None = None, execute_notebooks: bool = True) -> list[Problem]:
    """Every problem of the named units (all units when none are named)."""
    selected = units.select(unit_ids)
    known = set(units.unit_paths())
    problems: list[Problem] = []
    for unit in selected:
        found = static_problems(unit, known)
        for lang in TRANSLATIONS if not found else ():
            found += [Problem(unit.id, *p) for p in translation_checks.unit_problems(unit, lang)]
        if execute_notebooks and not found:
            found += execution_problems(unit)[0]
        problems += found
    if not unit_ids:
        for lang in TRANSLATIONS:
            problems += [Problem("book", *p) for p in translation_checks.page_problems(lang)]
    return problems
