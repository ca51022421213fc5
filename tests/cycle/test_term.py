"""One assignment cycle as a class lives it, in real browsers, with the same numbers everywhere.

Release → a student works in the student lab and submits with Assignment List
(another hands in a zip) → collect → grade → the teacher hand-grades the
reflection in formgrader → feedback shows the hand grade → export.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess

import nbformat
import pytest

from grader import nbgrader_api
from grader.authoring import units
from grader.deploy import workspace
from grader.instructor import sampleclass
from grader.paths import Course
from tests.browser import Watcher, browser
from tests.jupyter import AILAB, TOKEN, jupyterlab

UNIT = "ic-t1"
REFLECTION = "Consent matters most: students who opt out must not be tagged at all."


def ailab(*args, cwd):
    done = subprocess.run([AILAB, *args], cwd=cwd, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return done


def fill_code_answers(path):
    """What a student types into the code answer cells (the reflection is written in the browser)."""
    correct = sampleclass.samples(units.get(UNIT), nbformat.read(path, as_version=4))["correct"]
    for cell in correct.cells:
        if units.grade_id(cell) == "r1":
            cell.source = nbformat.read(path, as_version=4).cells[correct.cells.index(cell)].source
    nbformat.write(correct, path)


def table_score(stdout: str, student: str) -> str:
    return re.search(rf"^\| {student} \| ([\d.]+/\d+) \|", stdout, re.M).group(1)


@pytest.fixture
def course(released, tmp_path):
    root = tmp_path / "course"
    shutil.copytree(released.root, root)
    return root


def test_a_whole_assignment_cycle(course, tmp_path):
    amy_space = tmp_path / "amy"
    # --- the student lab: only amy's copies; she writes, checks and submits in the browser
    with (
        jupyterlab(
            "student",
            "--course",
            str(course),
            "--student",
            "amy",
            "--workspace",
            str(amy_space),
            cwd=tmp_path,
            log=tmp_path / "student-lab.log",
        ) as base,
        browser() as chrome,
    ):
        fill_code_answers(amy_space / UNIT / f"{UNIT}.ipynb")
        page = chrome.new_page(viewport={"width": 1400, "height": 1000})
        watcher = Watcher(page)
        listing = page.request.get(f"{base}/api/contents?token={TOKEN}").json()
        names = {item["name"] for item in listing["content"]}
        assert {"ic-t1", "ic-t2", "ic-t3"} <= names
        assert not names & {"source", "gradebook.db", "submitted", "autograded", "exchange"}
        assert page.request.get(f"{base}/formgrader/?token={TOKEN}").status == 404

        page.goto(f"{base}/lab/tree/{UNIT}/{UNIT}.ipynb?token={TOKEN}")
        reflection = page.locator(".jp-MarkdownCell", has_text="Reflection (4 points)")
        reflection.wait_for(timeout=90_000)
        reflection.dblclick()
        editor = reflection.locator(".cm-content")
        editor.wait_for(timeout=30_000)
        editor.click()
        page.keyboard.press("Control+End")
        page.keyboard.type(REFLECTION)
        page.keyboard.press("Shift+Enter")
        rubric = page.locator(".jp-MarkdownCell", has_text="How r1 is graded")
        assert rubric.count() == 1 and "Thorough" in rubric.inner_text()

        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
        page.locator(".jp-OutputArea-output", has_text=re.compile(r"q6\b")).wait_for(timeout=180_000)
        checks = page.locator(".jp-OutputArea-output", has_text=re.compile(r"q\d"))
        texts = [checks.nth(i).inner_text() for i in range(checks.count())]
        assert all("❌" not in t for t in texts), texts
        page.keyboard.press("Control+s")
        page.wait_for_function("!document.querySelector('.jp-mod-current.jp-mod-dirty')", timeout=30_000)

        page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        page.locator(".lm-Menu-itemLabel", has_text="Assignment List").click()
        mine = page.locator("#fetched_assignments_list .list_item:not(.nested_list_item)", has_text=UNIT)
        mine.first.get_by_role("button", name="Submit").click()
        page.locator("#submitted_assignments_list", has_text=UNIT).wait_for(timeout=60_000)
        page.screenshot(path=str(tmp_path / "student-submitted.png"))
        assert watcher.outside == []

    # --- ben works offline and hands in a zip for the learning platform
    ben_space, _ = workspace.prepare(tmp_path / "ben", course, "ben")
    fill_code_answers(ben_space.unit(UNIT))
    zipped = ailab("handin", UNIT, "--workspace", str(ben_space.root), cwd=tmp_path).stdout
    assert "ben_ic-t1.zip" in zipped

    # --- the instructor collects both ways and grades
    ailab("collect", UNIT, cwd=course)  # from the exchange
    ailab("collect", UNIT, str(ben_space.handin / f"ben_{UNIT}.zip"), cwd=course)
    saved = nbformat.read(course / "submitted" / "amy" / UNIT / f"{UNIT}.ipynb", as_version=4)
    answer = next(c.source for c in saved.cells if units.grade_id(c) == "r1")
    assert answer.startswith("### Reflection") and answer.rstrip().endswith(REFLECTION)
    graded = ailab("grade", UNIT, cwd=course).stdout
    auto = sampleclass.expected_auto_scores(units.get(UNIT))["correct"]
    total = units.get(UNIT).max_score  # auto-graded points plus the reflection
    assert (
        table_score(graded, "amy") == f"{auto:g}/{total:g}"
        and table_score(graded, "ben") == f"{auto:g}/{total:g}"
    )
    assert "awaiting hand grading: r1" in graded.split("| amy |")[1].splitlines()[0]

    # --- formgrader: units are released, no exchange warning, the teacher grades amy's reflection
    lab_env = {"JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config")}
    with jupyterlab("lab", cwd=course, log=tmp_path / "lab.log", env=lab_env) as base, browser() as chrome:
        page = chrome.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/formgrader/manage_assignments?token={TOKEN}")
        row = page.locator("tr", has_text=UNIT).first
        row.wait_for(timeout=60_000)
        assert "released" in row.inner_text() and "draft" not in row.inner_text()
        assert "exchange directory" not in page.content().lower()
        with nbgrader_api.gradebook(Course(course)) as gb:
            submission_id = gb.find_submission_notebook(UNIT, UNIT, "amy").id
        page.goto(f"{base}/formgrader/submissions/{submission_id}/?token={TOKEN}")
        page.wait_for_selector("input#r1", timeout=60_000)
        assert page.locator(".cell", has_text="How r1 is graded").count() >= 1  # rubric beside the answer
        matrix_cell = page.locator("td", has_text="Students who opt out").first
        assert matrix_cell.evaluate("e => getComputedStyle(e).borderTopWidth") == "1px"  # not squashed
        page.fill("input#r1", "3")
        page.press("input#r1", "Tab")
        page.fill("textarea#r1-comment", "Specific, and you named a real conflict.")
        page.press("textarea#r1-comment", "Tab")
        page.wait_for_timeout(1500)
        page.screenshot(path=str(tmp_path / "formgrader.png"))

    # --- feedback, export and the grade table tell the same story
    ailab("feedback", UNIT, cwd=course)
    with browser() as chrome:
        page = chrome.new_page()
        page.goto((course / "feedback" / "amy" / UNIT / f"{UNIT}.html").as_uri())
        text = page.inner_text("body")
        assert f"Score: {auto + 3:.1f} / {total:.1f}" in text and "Score: 3.0 / 4.0" in text
        assert "Specific, and you named a real conflict." in text
    ailab("export", cwd=course)
    with (course / "grades.csv").open(encoding="utf-8") as f:
        exported = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f) if r["assignment"] == UNIT}
    assert exported == {"amy": auto + 3, "ben": auto}
    again = ailab("grade", UNIT, cwd=course).stdout
    assert (
        table_score(again, "amy") == f"{auto + 3:g}/{total:g}"
        and table_score(again, "ben") == f"{auto:g}/{total:g}"
    )
    with (course / "reports" / UNIT / "grades.csv").open(encoding="utf-8") as f:
        report = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    assert report == exported
