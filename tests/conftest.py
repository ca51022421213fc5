"""Shared fixtures: a course with every unit released, made once per test session."""

from __future__ import annotations

import shutil

import pytest

from grader.authoring import release
from grader.paths import Course


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    """A pristine course with every unit released; copy it with ``course_copy``."""
    root = tmp_path_factory.mktemp("released") / "course"
    return release.release(root)


@pytest.fixture
def course_copy(released, tmp_path):
    """A private, writable copy of the released course (the gradebook is a file)."""
    target = tmp_path / "course"
    shutil.copytree(released.root, target)
    return Course(target)


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/fixtures/golden")
