"""JupyterLab for the two kinds of user: the instructor's lab and the student's lab.

The instructor's lab (``ailab lab``) opens on the course folder with
nbgrader's formgrader. The student's lab (``ailab student``, see
``workspace``) opens on the student's own workspace only, with the
instructor's menus and server extensions switched off. Either way JupyterLab
dies with ``ailab``: signals are passed on, and on Linux the kernel sends it
SIGTERM even when ``ailab`` is killed outright, so nothing is left running.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from ..authoring import execute
from ..course import open_course
from ..messages import say

# nbgrader's pieces a student must not have: the instructor's menus and server APIs.
INSTRUCTOR_LAB_PLUGINS = (
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:formgrader",
)
INSTRUCTOR_SERVER_EXTENSIONS = (
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
)


def command(root: Path, port: int, no_browser: bool, settings: Path | None = None) -> list[str]:
    """The JupyterLab command line, rooted at ``root`` and nowhere above it."""
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={root}", f"--port={port}"]
    if settings is not None:
        cmd.append(f"--LabApp.app_settings_dir={settings}")
    if no_browser:
        cmd.append("--no-browser")
    if os.geteuid() == 0:  # containers and CI run as root; Jupyter refuses that unless told
        cmd.append("--allow-root")
    return cmd


def student_config_dir(workspace: Path) -> Path:
    """A Jupyter config folder for the student's lab with the instructor's parts switched off."""
    config = workspace / ".jupyter"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    page = config / "labconfig" / "page_config.json"
    page.write_text(json.dumps({"disabledExtensions": dict.fromkeys(INSTRUCTOR_LAB_PLUGINS, True)}, indent=2))
    server = {"ServerApp": {"jpserver_extensions": dict.fromkeys(INSTRUCTOR_SERVER_EXTENSIONS, False)}}
    (config / "jupyter_server_config.json").write_text(json.dumps(server, indent=2))
    return config


def language_settings(folder: Path, lang: str) -> Path | None:
    """A JupyterLab settings folder whose defaults choose ``lang`` for the interface (None for English).

    These are defaults ("overrides.json"), so a language a user picked in
    Settings → Language still wins. The Chinese interface comes from the
    jupyterlab-language-pack-zh-CN package; nbgrader's own panels stay English.
    """
    if lang == "en":
        return None
    folder.mkdir(parents=True, exist_ok=True)
    choice = {"@jupyterlab/translation-extension:plugin": {"locale": lang}}
    (folder / "overrides.json").write_text(json.dumps(choice, indent=2), encoding="utf-8")
    return folder


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to send SIGTERM when ailab dies, however it dies."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: signals are still forwarded
        pass


def start(
    root: Path,
    port: int,
    no_browser: bool,
    env: dict[str, str] | None = None,
    settings: Path | None = None,
) -> int:
    """Run JupyterLab in ``root`` until it stops; stopping ailab stops it too."""
    execute.kernel_env()
    proc = subprocess.Popen(
        command(root, port, no_browser, settings),
        cwd=root,  # nbgrader reads nbgrader_config.py from the server's folder
        env={**os.environ, **(env or {})},
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda sig, _frame: proc.send_signal(sig))
    try:
        return proc.wait()
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def lab(course_dir: Path | None = None, port: int = 8888, no_browser: bool = False, lang: str = "en") -> int:
    """Start the instructor's JupyterLab in the course folder, with formgrader, in ``lang``."""
    course = open_course(course_dir)
    print(say("lab.instructor", root=course.root), file=sys.stderr)
    settings = language_settings(course.root / ".ailab" / "lab-settings" / lang, lang)
    return start(course.root, port, no_browser, {"AILAB_LANG": lang}, settings)
