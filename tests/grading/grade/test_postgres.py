"""The gradebook can live in PostgreSQL: `ailab release --db-url`, then grading writes there."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from grader import nbgrader_api
from grader.authoring import release, units
from grader.grading.grade import grade
from grader.instructor import sampleclass
from tests.helpers import release_nb, submit


def _postgres_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    assert versions, "PostgreSQL server binaries are missing (Debian: apt-get install postgresql)"
    return versions[-1].parent


@pytest.fixture(scope="module")
def postgres_url():
    bin_dir = _postgres_bin()
    data = Path(tempfile.mkdtemp(prefix="ailab-pg-", dir="/tmp"))
    data.chmod(0o755)
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        user = pwd.getpwnam("postgres")
        os.chown(data, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(
        [*as_user, str(bin_dir / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "ailab"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    subprocess.run(
        [
            *as_user,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data / "db"),
            "-o",
            options,
            "-w",
            "start",
            "-l",
            str(data / "log"),
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://ailab@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


def test_grades_land_in_postgresql(tmp_path, postgres_url):
    course = release.release(tmp_path / "course", ["ic-t1"], db_url=postgres_url)
    assert postgres_url in course.config.read_text()
    assert not course.gradebook.exists()  # no SQLite file: the URL was used
    kinds = sampleclass.samples(units.get("ic-t1"), release_nb(course, "ic-t1"))
    submit(course, "ic-t1", "alice", kinds["correct"])
    submit(course, "ic-t1", "bob", kinds["wrong"])
    grade("ic-t1", course.root, workers=2, progress=False)
    with nbgrader_api.gradebook(course) as gb:
        scores = {s.student_id: s.score for s in gb.assignment_submissions("ic-t1")}
    assert scores == {"alice": sampleclass.expected_auto_scores(units.get("ic-t1"))["correct"], "bob": 0.0}
