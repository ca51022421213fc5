"""``ailab lab``: JupyterLab on the course folder, with nbgrader's extensions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from . import execute
from .release import open_course


def lab(course_dir: Path | None = None, port: int = 8888, no_browser: bool = False) -> int:
    """Start JupyterLab in the course folder (students open ``release/<unit>``)."""
    course = open_course(course_dir)
    execute.kernel_env()
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        f"--ServerApp.root_dir={course.root}",
        f"--port={port}",
    ] + (["--no-browser"] if no_browser else [])
    if os.geteuid() == 0:  # containers and CI run as root; Jupyter refuses that unless told
        cmd.append("--allow-root")
    return subprocess.call(cmd, cwd=course.root)
