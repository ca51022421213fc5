"""`ailab lab` serves real JupyterLab; formgrader shows the hand-graded reflection."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from grader import nbgrader_api
from grader.grading.grade import grade
from grader.instructor import sampleclass
from tests.browser import Watcher, browser

TOKEN = "ailab-test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(released, tmp_path_factory):
    import shutil

    from grader.paths import Course

    course = Course(tmp_path_factory.mktemp("lab") / "course")
    shutil.copytree(released.root, course.root)
    sampleclass.write_sample_class("ic-t1", course.root)
    grade("ic-t1", course.root, workers=2, progress=False)
    port = _free_port()
    env = {**os.environ, "JUPYTER_TOKEN": TOKEN, "JUPYTER_CONFIG_DIR": str(course.root / ".jupyter")}
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "ailab"),
            "lab",
            "--course",
            str(course.root),
            "--port",
            str(port),
            "--no-browser",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    yield course, base
    os.killpg(proc.pid, 15)
    proc.wait(timeout=30)


def test_jupyterlab_opens_the_student_notebook(lab):
    course, base = lab
    with browser() as chrome:
        page = chrome.new_page()
        watcher = Watcher(page)
        page.goto(f"{base}/lab/tree/release/ic-t1/ic-t1.ipynb?token={TOKEN}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        page.wait_for_function(
            "document.querySelector('.jp-Notebook').innerText.includes('How a computer sees')", timeout=60_000
        )
        assert watcher.outside == []


def test_formgrader_shows_the_reflection_for_manual_grading(lab):
    course, base = lab
    with nbgrader_api.gradebook(course) as gb:
        submission = gb.find_submission_notebook("ic-t1", "ic-t1", "sample-correct")
        submission_id = submission.id
        assert any(g.name == "r1" and g.needs_manual_grade for g in submission.grades)
    with browser() as chrome:
        page = chrome.new_page()
        page.goto(f"{base}/formgrader/submissions/{submission_id}/?token={TOKEN}")
        page.wait_for_selector("text=Reflection", timeout=60_000)
        html = page.content()
        assert "r1" in html and "ethical matrix" in html.lower()
        assert page.locator("input.score").count() >= 1  # the box where the teacher types the points


def _start_lab(course, port):
    env = {**os.environ, "JUPYTER_TOKEN": TOKEN, "JUPYTER_CONFIG_DIR": str(course.root / ".jupyter")}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "ailab"), "lab", "--course", str(course.root), "--port", str(port),
         "--no-browser"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    raise AssertionError("JupyterLab did not start")


def _serving(port) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={TOKEN}", timeout=2)
        return True
    except OSError:
        return False


@pytest.mark.parametrize("signum", [15, 9])
def test_killing_ailab_lab_stops_jupyterlab(course_copy, signum):
    port = _free_port()
    proc = _start_lab(course_copy, port)
    os.kill(proc.pid, signum)  # only ailab itself, not its process group
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _serving(port) and time.monotonic() < deadline:
        time.sleep(0.5)
    alive = _serving(port)
    if alive:
        os.killpg(proc.pid, 9)
    assert not alive, "JupyterLab kept running after ailab was killed"
