"""A hostile submission, graded, then opened in real formgrader and as a feedback page: nothing runs.

Every payload, if it ran, would set ``window.__ailabPwned``, change the
page title and fetch a URL from a local canary server. The student's
harmless table and picture, and the unit's figures, must still show.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import functools
import http.server
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from grader import nbgrader_api
from grader.authoring import units
from grader.grading.grade import grade
from grader.instructor import sampleclass
from grader.instructor.feedback import feedback
from grader.paths import Course
from tests.browser import browser, serve
from tests.helpers import release_nb, submit

UNIT = "ic-t1"
TOKEN = "ailab-hostile-test-token"
MARK = "__ailabPwned"
WIDTH = "i => i.naturalWidth"
SHOTS = os.environ.get("AILAB_SCREENSHOTS")  # a folder to keep screenshots of what the teacher sees
# What the page shows if nothing from the student ran, and where student markup could still hide.
LEFTOVERS = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      const value = a.value.replace(/\\s/g, '').toLowerCase();
      if (a.name.startsWith('on') && a.value.includes('__ailabPwned')) found.push(el.tagName + ' ' + a.name);
      if (value.startsWith('javascript:')) found.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
    if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED'].includes(el.tagName) && el.outerHTML.includes('__ailabPwned'))
      found.push(el.tagName);
  }
  return found;
}"""


class Canary:
    """A local web server that records every request a payload makes."""

    def __init__(self):
        self.hits: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                canary.hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _js(canary: str, tag: str) -> str:
    """A payload without spaces, so it also makes a valid markdown link."""
    return f"window.{MARK}='{tag}';document.title='PWNED:{tag}';fetch('{canary}/{tag}')"


def _png() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.bar(["3s", "8s"], [0.97, 0.4])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def hostile(correct, canary: str):
    """The honest correct answers, plus every kind of student content that could carry script."""
    nb = copy.deepcopy(correct)
    p = functools.partial(_js, canary)
    html = (
        f"<script>{p('html-script')}</script>"
        f'<img src="x" onerror="{p("html-onerror")}">'
        f'<svg><script>{p("html-svg")}</script></svg>'
        f'<iframe src="javascript:{p("html-iframe")}"></iframe>'
        f'<a href="javascript:{p("html-link")}">click me html</a>'
        f'<div onmouseover="{p("html-mouseover")}" style="position:fixed;inset:0">'
        '<table class="harmless-table"><tr><th>Group</th><th>Accuracy</th></tr>'
        "<tr><td>3s</td><td>0.97</td></tr></table></div>"
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" onload="{p("svg-onload")}">'
        f"<script>{p('svg-script')}</script></svg>"
    )
    md_output = f"[click me md output](javascript:{p('md-output')})"
    code = "\n".join(
        [
            "from IPython.display import HTML, SVG, Javascript, Markdown, display",
            f"display(HTML({html!r}))",
            f"display(Javascript({p('js-output')!r}))",
            f"display(SVG({svg!r}))",
            f"display(Markdown({md_output!r}))",
            f"display({{'image/png': {_png()!r}, 'text/plain': 'a bar chart'}}, raw=True)",
        ]
    )
    at = len(nb.cells) - 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(code))
    nb.cells.insert(at, nbformat.v4.new_markdown_cell(f'<img src="x" onerror="{p("md-cell")}">'))
    raw = nbformat.v4.new_raw_cell(f"<script>{p('raw-cell')}</script>")
    raw.metadata["format"] = "text/html"
    nb.cells.insert(at, raw)
    r1 = next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "r1")
    r1.source += (
        f"\n\n<script>{p('r1-script')}</script>\n\n"
        f'<a href="javascript:{p("r1-href")}">click me r1</a> '
        f"[click me r1 md](javascript:{p('r1-md')}) "
        f'<img src="x" onerror="{p("r1-onerror")}">\n'
    )
    return nb


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def lab(course: Course):
    """``ailab lab`` on the course, as an instructor starts it; yields the base URL."""
    port = _free_port()
    env = {**os.environ, "JUPYTER_TOKEN": TOKEN, "JUPYTER_CONFIG_DIR": str(course.root / ".jupyter")}
    ailab = str(Path(sys.executable).parent / "ailab")
    proc = subprocess.Popen(
        [ailab, "lab", "--course", str(course.root), "--port", str(port), "--no-browser"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def graded(released, tmp_path_factory):
    course = Course(tmp_path_factory.mktemp("hostile-pages") / "course")
    shutil.copytree(released.root, course.root)
    canary = Canary()
    correct = sampleclass.samples(units.get(UNIT), release_nb(course, UNIT))["correct"]
    submit(course, UNIT, "sample-correct", correct)
    submit(course, UNIT, "mallory", hostile(correct, canary.url))
    grade(UNIT, course.root, workers=2, progress=False)
    with nbgrader_api.gradebook(course) as gb:
        ids = {s: gb.find_submission_notebook(UNIT, UNIT, s).id for s in ("sample-correct", "mallory")}
        for student in ids:  # the teacher has graded the reflections
            row = gb.find_grade("r1", UNIT, UNIT, student)
            row.manual_score, row.needs_manual_grade = 1, False
        gb.db.commit()
    feedback(UNIT, course.root)
    yield course, canary, ids
    canary.close()


def _assert_nothing_ran(page, canary: Canary) -> None:
    for link in page.locator("a", has_text="click me").all():  # a teacher clicks the student's links
        with contextlib.suppress(Exception):
            link.click(timeout=2_000, no_wait_after=True)
    page.wait_for_timeout(1_500)
    assert page.evaluate(f"window.{MARK}") is None
    assert "PWNED" not in page.title()
    assert canary.hits == []
    assert page.evaluate(LEFTOVERS) == []


def _shoot(page, name: str) -> None:
    if not SHOTS:
        return
    for part, locator in {
        "outputs": page.locator(".cell", has=page.locator("table.harmless-table")),
        "reflection": page.locator(".nbgrader_cell", has_text="biometric"),
    }.items():
        locator.first.scroll_into_view_if_needed()
        locator.first.screenshot(path=str(Path(SHOTS) / f"{name}-{part}.png"))


def _assert_the_harmless_parts_show(page) -> None:
    table = page.locator("table.harmless-table")
    assert table.count() == 1 and "Accuracy" in table.inner_text()
    chart = page.locator("img[src^='data:image/png']")
    assert chart.count() == 1 and chart.evaluate(WIDTH) > 0
    figures = page.evaluate(f"[...document.images].filter(i => i.src.includes('assets/')).map({WIDTH})")
    assert len(figures) == len(units.get(UNIT).figures) and min(figures) > 0
    assert page.locator(".nbgrader_cell", has_text="biometric").count() >= 1  # the student's ethical matrix


def test_the_feedback_page_runs_nothing_the_student_wrote(graded):
    course, canary, _ = graded
    with serve(course.root / "feedback") as base, browser() as chrome:
        page = chrome.new_page()
        page.goto(f"{base}/mallory/{UNIT}/{UNIT}.html")
        page.wait_for_load_state("networkidle")
        _assert_nothing_ran(page, canary)
        _assert_the_harmless_parts_show(page)
        _shoot(page, "feedback")


def test_formgrader_runs_nothing_the_student_wrote_and_shows_every_figure(graded):
    course, canary, ids = graded
    with lab(course) as base, browser() as chrome:
        page = chrome.new_page()
        page.goto(f"{base}/formgrader/submissions/{ids['mallory']}/?token={TOKEN}")
        page.wait_for_selector("text=Reflection", timeout=60_000)
        page.wait_for_load_state("networkidle")
        assert page.locator("input.score").count() >= 1  # this is the grading page
        _assert_nothing_ran(page, canary)
        _assert_the_harmless_parts_show(page)
        _shoot(page, "formgrader")
        page.goto(f"{base}/formgrader/submissions/{ids['sample-correct']}/?token={TOKEN}")
        page.wait_for_selector("text=Reflection", timeout=60_000)
        page.wait_for_load_state("networkidle")
        sizes = page.evaluate("[...document.images].map(i => [i.getAttribute('src'), i.naturalWidth])")
        assert len(sizes) >= 3 and [src for src, width in sizes if width == 0] == []
